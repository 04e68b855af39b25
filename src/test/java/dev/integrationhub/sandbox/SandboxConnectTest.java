package dev.integrationhub.sandbox;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.crypto.FlowSecrets;
import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.IssuedSecrets;
import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.testsupport.Tokens;
import dev.integrationhub.token.AccessTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * The hub connects Gmail against its own sandbox provider over HTTP, as it does against Google: the consent page,
 * the connect flow through the hub's authorize, callback and confirmation, the scope check, refreshes of the
 * sandbox's short access tokens, and revocation on disconnect.
 */
@QuarkusTest
@TestProfile(SandboxProfile.class)
class SandboxConnectTest {

    private static final List<String> GMAIL_SCOPES = List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY);

    @Inject
    AccessTokens accessTokens;

    @Inject
    GrantTokens tokens;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    TestClock clock;

    /** A person connected Gmail with a sandbox account. */
    private record Connected(String user, UUID id, String account) {
    }

    private Connected connectGmail(String account) {
        Browser browser = new Browser(ConnectionFixtures.newUser("alice"));
        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect(SandboxProfile.INTEGRATION_TYPE, null, null));
        ExtractableResponse<Response> callback = SandboxBrowser.consent(browser, atProvider, account, GMAIL_SCOPES);
        ExtractableResponse<Response> confirmed = browser.confirm(callback);
        assertThat(confirmed.statusCode()).as(confirmed.body().asString()).isEqualTo(201);
        assertThat(confirmed.<String> path("account")).isEqualTo(account);
        return new Connected(browser.userId(), UUID.fromString(confirmed.path("id")), account);
    }

    @Test
    void theConsentPageShowsEveryRequestedScopeTickedAndTheAccountField() {
        Browser browser = new Browser(ConnectionFixtures.newUser("alice"));
        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect(SandboxProfile.INTEGRATION_TYPE, null, null));

        SandboxBrowser.ConsentPage page = SandboxBrowser.open(atProvider);

        assertThat(page.scopes()).containsExactly("openid", "email", GMAIL_SEND, GMAIL_READONLY);
        assertThat(page.html()).contains("name=\"account\" value=\"alice@sandbox.test\"")
                .contains("value=\"" + GMAIL_SEND + "\" checked", "value=\"" + GMAIL_READONLY + "\" checked")
                .contains("value=\"allow\"", "value=\"deny\"");
    }

    @Test
    void gmailConnectsThroughTheHubWithTheSandboxAccount() {
        String account = SandboxBrowser.newAccount("alice");

        Connected connected = connectGmail(account);

        given().auth().oauth2(Tokens.forUser(connected.user())).when().get("/api/integrations/" + connected.id())
                .then().statusCode(200).body("integration_type", equalTo(SandboxProfile.INTEGRATION_TYPE))
                .body("account", equalTo(account))
                .body("status", equalTo("active"));
        assertThat(fixtures.find(connected.id()).grantedScopes).contains(GMAIL_SEND, GMAIL_READONLY);
    }

    @Test
    void untickingARequiredScopeEndsInMissingScope() {
        Browser browser = new Browser(ConnectionFixtures.newUser("alice"));
        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect(SandboxProfile.INTEGRATION_TYPE, null, null));

        ExtractableResponse<Response> callback = SandboxBrowser.consent(browser, atProvider,
                SandboxBrowser.newAccount("alice"), List.of("openid", "email", GMAIL_SEND));

        Map<String, String> result = FakeOAuth.query(URI.create(callback.header("Location")).getRawQuery());
        assertThat(result).containsEntry("error", "missing_scope").containsEntry("missing_scope", GMAIL_READONLY);
    }

    @Test
    void denyingSendsAccessDeniedBackToTheHub() {
        Browser browser = new Browser(ConnectionFixtures.newUser("alice"));
        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect(SandboxProfile.INTEGRATION_TYPE, null, null));

        ExtractableResponse<Response> denied = SandboxBrowser.submit(SandboxBrowser.open(atProvider), "deny",
                "alice@sandbox.test", GMAIL_SCOPES);
        ExtractableResponse<Response> callback = browser
                .returnFromProvider(FakeOAuth.query(URI.create(denied.header("Location")).getRawQuery()));

        assertThat(FakeOAuth.query(URI.create(callback.header("Location")).getRawQuery())).containsEntry("error",
                "access_denied");
    }

    @Test
    void aConsentPageCanBeSubmittedOnce() {
        Browser browser = new Browser(ConnectionFixtures.newUser("alice"));
        SandboxBrowser.ConsentPage page = SandboxBrowser
                .open(browser.openOAuthUrl(browser.connect(SandboxProfile.INTEGRATION_TYPE, null, null)));
        assertThat(SandboxBrowser.submit(page, "allow", "alice@sandbox.test", GMAIL_SCOPES).statusCode()).isEqualTo(302);

        ExtractableResponse<Response> replayed = SandboxBrowser.submit(page, "allow", "alice@sandbox.test", GMAIL_SCOPES);

        assertThat(replayed.statusCode()).isEqualTo(400);
        assertThat(replayed.header("Location")).isNull();
    }

    @Test
    void theCodeIsExchangedOnlyWithTheVerifierOfItsChallengeAndAnswersAsGoogleDoes() {
        String verifier = FlowSecrets.random();
        String wrongCode = authorizeDirectly(FlowSecrets.pkceChallenge(verifier));
        exchange(wrongCode, FlowSecrets.random()).statusCode(400).body("error", equalTo("invalid_grant"));

        String code = authorizeDirectly(FlowSecrets.pkceChallenge(verifier));
        ExtractableResponse<Response> answer = exchange(code, verifier).statusCode(200).extract();

        assertThat(answer.<String> path("token_type")).isEqualTo("Bearer");
        assertThat(answer.<Integer> path("expires_in")).isEqualTo(120);
        assertThat(answer.<String> path("scope")).isEqualTo("openid email " + GMAIL_SEND);
        assertThat(answer.<String> path("refresh_token")).startsWith("sbx_rt_");
        IssuedSecrets.record(answer.<String> path("access_token"), answer.path("refresh_token"));
        SandboxTokens.userinfo(answer.path("access_token")).statusCode(200).body("email", equalTo("direct@sandbox.test"))
                .body("email_verified", equalTo(true));
        exchange(code, verifier).statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void shortAccessTokensAreRefreshedAndTheRefreshTokenIsKeptWithoutRotation() {
        Connected connected = connectGmail(SandboxBrowser.newAccount("alice"));
        String refresh = tokens.refreshToken(fixtures.find(connected.id())).orElseThrow();
        String first = accessTokens.forConnection(connected.id()).token();

        clock.advance(Duration.ofMinutes(3));
        String second = accessTokens.forConnection(connected.id()).token();

        assertThat(second).isNotEqualTo(first);
        SandboxTokens.userinfo(first).statusCode(401);
        SandboxTokens.userinfo(second).statusCode(200).body("email", equalTo(connected.account()));
        assertThat(tokens.refreshToken(fixtures.find(connected.id()))).contains(refresh);
        SandboxTokens.refresh(refresh).statusCode(200).body("refresh_token", nullValue());
    }

    @Test
    void disconnectRevokesTheGrantAtTheSandbox() {
        Connected connected = connectGmail(SandboxBrowser.newAccount("alice"));
        String refresh = tokens.refreshToken(fixtures.find(connected.id())).orElseThrow();
        String access = accessTokens.forConnection(connected.id()).token();

        given().auth().oauth2(Tokens.forUser(connected.user())).when().delete("/api/integrations/" + connected.id())
                .then().statusCode(204);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> SandboxTokens.refresh(refresh).statusCode(400).body("error", equalTo("invalid_grant")));
        SandboxTokens.userinfo(access).statusCode(401);
    }

    /** Runs the authorization request and consent directly (as a client of the sandbox), returning the code. */
    private static String authorizeDirectly(String challenge) {
        URI authorize = URI.create(given().redirects().follow(false).queryParam("client_id", SandboxClient.ID)
                .queryParam("redirect_uri", hubCallback()).queryParam("response_type", "code")
                .queryParam("state", "state-" + UUID.randomUUID()).queryParam("code_challenge", challenge)
                .queryParam("code_challenge_method", "S256").queryParam("scope", "openid email " + GMAIL_SEND)
                .when().get("/sandbox/oauth/authorize").then().statusCode(200).extract().body().asString()
                .transform(html -> "http://sandbox/?ticket="
                        + html.replaceAll("(?s).*name=\"ticket\" value=\"([^\"]+)\".*", "$1")));
        String ticket = FakeOAuth.query(authorize.getRawQuery()).get("ticket");
        String location = given().redirects().follow(false).contentType("application/x-www-form-urlencoded; charset=UTF-8")
                .formParam("ticket", ticket).formParam("decision", "allow").formParam("account", "direct@sandbox.test")
                .formParam("scope", "openid").formParam("scope", "email").formParam("scope", GMAIL_SEND)
                .when().post("/sandbox/oauth/authorize").then().statusCode(302).extract().header("Location");
        String code = FakeOAuth.query(URI.create(location).getRawQuery()).get("code");
        IssuedSecrets.record(code);
        return code;
    }

    private static io.restassured.response.ValidatableResponse exchange(String code, String verifier) {
        return given().contentType("application/x-www-form-urlencoded; charset=UTF-8")
                .formParam("grant_type", "authorization_code").formParam("code", code)
                .formParam("redirect_uri", hubCallback()).formParam("code_verifier", verifier)
                .formParam("client_id", SandboxClient.ID).formParam("client_secret", SandboxClient.SECRET)
                .when().post("/sandbox/oauth/token").then();
    }

    private static String hubCallback() {
        return "http://localhost:" + io.restassured.RestAssured.port + "/api/integrations/callback";
    }
}
