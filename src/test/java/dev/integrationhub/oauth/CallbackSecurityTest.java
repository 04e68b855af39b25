package dev.integrationhub.oauth;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.crypto.FlowSecrets;
import dev.integrationhub.oauth.rest.BindingCookie;
import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * A callback whose state is missing, forged, replayed, expired, or presented by another browser is rejected,
 * never reaches the provider, and changes nothing: the rightful browser can still finish its flow. A state
 * expires by moving the {@link TestClock} past the flow's lifetime.
 */
@QuarkusTest
class CallbackSecurityTest {

    private static final String FRONTEND = "http://localhost:5173/integrations?error=";
    private static final List<String> SCOPES = List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY);

    @FakeProviders.InjectServer
    WireMockServer providerServer;

    @Inject
    TestClock clock;

    @Inject
    HubConfig config;

    FakeOAuth google;
    String user;
    Browser browser;
    String code;
    Browser.AtProvider atProvider;

    @BeforeEach
    void startAFlow() {
        google = FakeOAuth.google(providerServer);
        user = ConnectionFixtures.newUser("alice");
        browser = new Browser(user);
        code = secret("4/code");
        String access = secret("ya29.s");
        google.grants(code, access, secret("1//s"), SCOPES);
        google.account(access, "sub-" + UUID.randomUUID(), "alice@example.com");
        atProvider = browser.openOAuthUrl(browser.connect("gmail", null, null));
    }

    @Test
    void aMissingStateIsRejected() {
        expectRejected(browser.returnFromProvider(Map.of("code", code)), "state_missing");
        expectRightfulBrowserStillConnects();
    }

    @Test
    void aStateTheHubNeverIssuedIsRejected() {
        expectRejected(browser.returnFromProvider(Map.of("code", code, "state", "user-id:gmail")), "state_unknown");
        expectRightfulBrowserStillConnects();
    }

    @Test
    void anAlteredStateIsRejected() {
        expectRejected(browser.returnFromProvider(Map.of("code", code, "state", atProvider.state() + "x")),
                "state_unknown");
        expectRightfulBrowserStillConnects();
    }

    @Test
    void aCallbackFromABrowserWithoutTheCookieIsRejected() {
        ExtractableResponse<Response> response = given().redirects().follow(false).queryParam("code", code)
                .queryParam("state", atProvider.state()).when().get("/api/integrations/callback").then().extract();
        expectRejected(response, "binding_missing");
        expectRightfulBrowserStillConnects();
    }

    @Test
    void aCallbackWithAnotherCookieValueIsRejected() {
        Map<String, String> otherCookie = new HashMap<>(browser.cookies());
        otherCookie.replaceAll((name, value) -> FlowSecrets.random());
        ExtractableResponse<Response> response = given().redirects().follow(false).cookies(otherCookie)
                .queryParam("code", code).queryParam("state", atProvider.state())
                .when().get("/api/integrations/callback").then().extract();
        expectRejected(response, "binding_mismatch");
        expectRightfulBrowserStillConnects();
    }

    @Test
    void anotherUsersBrowserCannotFinishThisFlow() {
        Browser mallory = new Browser(ConnectionFixtures.newUser("mallory"));
        mallory.openOAuthUrl(mallory.connect("gmail", null, null));

        ExtractableResponse<Response> response = given().redirects().follow(false).cookies(mallory.cookies())
                .queryParam("code", code).queryParam("state", atProvider.state())
                .when().get("/api/integrations/callback").then().extract();

        expectRejected(response, "binding_missing");
        expectRightfulBrowserStillConnects();
    }

    @Test
    void aReplayedStateIsRejected() {
        Map<String, String> cookies = new HashMap<>(browser.cookies());
        expectRightfulBrowserStillConnects();

        ExtractableResponse<Response> replay = given().redirects().follow(false).cookies(cookies)
                .queryParam("code", code).queryParam("state", atProvider.state())
                .when().get("/api/integrations/callback").then().extract();
        expectRejected(replay, "state_used");
        assertThat(google.tokenRequestsFor(code)).hasSize(1);
    }

    @Test
    void anExpiredStateIsRejected() {
        clock.advance(config.flow().ttl().plusSeconds(1));

        expectRejected(browser.returnFromProvider(Map.of("code", code, "state", atProvider.state())), "state_expired");
        given().auth().oauth2(Tokens.forUser(user)).when().get("/api/integrations").then().body("", hasSize(0));
    }

    @Test
    void theBindingCookieIsNamedForItsFlow() {
        assertThat(browser.cookies().keySet()).singleElement().asString().startsWith("hub_flow_")
                .hasSize(BindingCookie.name(UUID.randomUUID()).length());
    }

    private void expectRejected(ExtractableResponse<Response> response, String code) {
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.header("Location")).isEqualTo(FRONTEND + code);
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        if (!"state_used".equals(code)) {
            assertThat(google.tokenRequestsFor(this.code)).as("no code exchange for a rejected callback").isEmpty();
            given().auth().oauth2(Tokens.forUser(user)).when().get("/api/integrations").then().body("", hasSize(0));
        }
    }

    private void expectRightfulBrowserStillConnects() {
        ExtractableResponse<Response> back = browser.returnFromProvider(Map.of("code", code, "state", atProvider.state()));
        assertThat(back.header("Location")).startsWith("http://localhost:5173/integrations?success=gmail#confirmation=");
        assertThat(browser.confirm(back).statusCode()).isEqualTo(201);
        given().auth().oauth2(Tokens.forUser(user)).when().get("/api/integrations").then().body("", hasSize(1));
    }
}
