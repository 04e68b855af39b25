package dev.integrationhub.oauth;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * {@code hub.flow.require-confirmation=false}: the earlier one-step flow, for a web app not yet migrated. The
 * callback makes the connection, and the service warns at start about the risk.
 */
@QuarkusTest
@TestProfile(OneStepFlowTest.WithoutConfirmation.class)
class OneStepFlowTest {

    /** The one-step flow. */
    public static class WithoutConfirmation implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hub.flow.require-confirmation", "false");
        }
    }

    @FakeProviders.InjectServer
    WireMockServer providerServer;

    @Test
    void theCallbackConnectsTheAccountWithoutConfirmation() {
        FakeOAuth google = FakeOAuth.google(providerServer);
        String user = ConnectionFixtures.newUser("legacy");
        Browser browser = new Browser(user);
        String code = secret("4/one-step");
        String access = secret("ya29.one-step");
        google.grants(code, access, secret("1//one-step"), List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY));
        google.account(access, "sub-" + UUID.randomUUID(), "legacy@gmail.example");
        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect("gmail", null, null));

        ExtractableResponse<Response> back = browser.returnFromProvider(Map.of("code", code, "state", atProvider.state()));

        assertThat(back.header("Location")).isEqualTo("http://localhost:5173/integrations?success=gmail");
        given().auth().oauth2(Tokens.forUser(user)).when().get("/api/integrations").then().body("", hasSize(1));
    }

    @Test
    void theServiceWarnsAtStartThatConfirmationIsOff() throws IOException {
        assertThat(Files.readString(Path.of("target/quarkus-test.log")))
                .contains("hub.flow.require-confirmation=false: a grant becomes a connection at the callback");
    }
}
