package dev.integrationhub.oauth;

import static dev.integrationhub.testsupport.FakeOAuth.DRIVE_FILE;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * Callbacks at the edges: a grant with more scopes than asked for is shown as granted, and a failure nobody
 * foresaw after the code exchange still sends the browser back to the web app with an error, never a JSON 500.
 */
@QuarkusTest
class CallbackEdgeCasesTest {

    @FakeProviders.InjectServer
    WireMockServer providerServer;

    FakeOAuth google;

    @BeforeEach
    void provider() {
        google = FakeOAuth.google(providerServer);
    }

    @Test
    void scopesBeyondTheRequestedOnesAreShownAsGranted() {
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));

        alice.connectAccount(google, "gmail", secret("4/code"), secret("ya29.wide"), secret("1//wide"),
                List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY, DRIVE_FILE), "sub-" + UUID.randomUUID(),
                "alice@gmail.example");

        List<String> granted = given().auth().oauth2(Tokens.forUser(alice.userId())).when().get("/api/integrations")
                .then().statusCode(200).extract().path("[0].granted_scopes");
        assertThat(granted).contains(GMAIL_SEND, GMAIL_READONLY, DRIVE_FILE);
    }

    @Test
    void anUnexpectedFailureAfterTheCodeExchangeEndsInTheErrorRedirect() {
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));
        String code = secret("4/odd");
        String access = secret("ya29.odd");
        google.grants(code, access, secret("1//odd"), List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY));
        // A subject PostgreSQL cannot store (a NUL character): the database refuses it, which nothing expects.
        providerServer.stubFor(WireMock.get(WireMock.urlPathEqualTo("/google/v1/userinfo"))
                .willReturn(WireMock.okJson("{\"sub\":\"odd\\u0000sub\",\"email\":\"odd@gmail.example\"}")));
        Browser.AtProvider atProvider = alice.openOAuthUrl(alice.connect("gmail", null, null));

        ExtractableResponse<Response> back = alice.returnFromProvider(Map.of("code", code, "state", atProvider.state()));

        assertThat(back.statusCode()).isEqualTo(302);
        assertThat(back.header("Location")).endsWith("/integrations?error=internal_error");
    }
}
