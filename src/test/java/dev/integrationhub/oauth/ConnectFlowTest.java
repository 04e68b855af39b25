package dev.integrationhub.oauth;

import static dev.integrationhub.testsupport.FakeOAuth.DRIVE_FILE;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.net.URI;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.crypto.FlowSecrets;
import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.DatabaseRows;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.Tokens;
import dev.integrationhub.testsupport.Webhooks;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * The OAuth connect flow end to end, as the web app, the person's browser and the provider see it: the
 * authorization request, the code exchange with PKCE, what is stored and listed, renewals, every way a flow ends
 * in an error, and a provider configured by keys alone.
 */
@QuarkusTest
class ConnectFlowTest {

    private static final String FRONTEND = "http://localhost:5173";

    @FakeProviders.InjectServer
    WireMockServer providerServer;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    GrantTokens tokens;

    @Inject
    AgroalDataSource dataSource;

    FakeOAuth google;

    @BeforeEach
    void stubs() {
        google = FakeOAuth.google(providerServer);
    }

    @Test
    void theBrowserIsSentToTheProviderWithEveryParameter() {
        Browser browser = new Browser(ConnectionFixtures.newUser("alice"));
        String oauthUrl = browser.connect("gmail", "/settings/integrations", "redirect");
        assertThat(oauthUrl).startsWith("http://localhost:8080/api/integrations/authorize?flow=");

        Browser.AtProvider atProvider = browser.openOAuthUrl(oauthUrl);

        assertThat(atProvider.location().toString()).startsWith(providerServer.baseUrl() + "/google/o/oauth2/v2/auth?");
        assertThat(atProvider.query()).containsEntry("response_type", "code")
                .containsEntry("client_id", FakeProviders.GOOGLE_CLIENT_ID)
                .containsEntry("redirect_uri", "http://localhost:8080/api/integrations/callback")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("access_type", "offline")
                .containsEntry("prompt", "consent")
                .doesNotContainKey("include_granted_scopes");
        assertThat(atProvider.query().get("scope").split(" ")).containsExactly("openid", "email", GMAIL_SEND,
                GMAIL_READONLY);
        assertThat(atProvider.state()).matches("[A-Za-z0-9_-]{43}");
        assertThat(atProvider.query().get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
    }

    @Test
    void theBrowserGetsOneBindingCookieSentOnlyToTheCallback() {
        Browser browser = new Browser(ConnectionFixtures.newUser("alice"));

        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect("gmail", "/settings/integrations", "redirect"));

        assertThat(atProvider.setCookie()).startsWith("hub_flow_");
        assertThat(Arrays.stream(atProvider.setCookie().split(";")).map(String::strip))
                .contains("Path=/api/integrations/callback", "HttpOnly", "SameSite=Lax", "Max-Age=600");
        assertThat(browser.cookies()).hasSize(1);
    }

    @Test
    void aConnectedAccountSendsTheBrowserBackToTheWebApp() {
        ExtractableResponse<Response> back = connectGmail().back();

        assertThat(back.statusCode()).isEqualTo(302);
        assertThat(back.header("Location"))
                .matches(Pattern.quote(FRONTEND + "/settings/integrations?success=gmail#confirmation=") + "[A-Za-z0-9_-]{43}");
        assertBrowserSafeHeaders(back);
        assertThat(back.header("Set-Cookie")).contains("Max-Age=0");
    }

    @Test
    void theCodeIsExchangedWithTheVerifierOfTheChallengeTheProviderWasShown() {
        ConnectedGmail connected = connectGmail();

        List<Map<String, String>> exchanges = google.tokenRequestsFor(connected.code());
        assertThat(exchanges).hasSize(1);
        Map<String, String> exchange = exchanges.getFirst();
        assertThat(exchange).containsEntry("grant_type", "authorization_code")
                .containsEntry("redirect_uri", "http://localhost:8080/api/integrations/callback")
                .containsEntry("client_id", FakeProviders.GOOGLE_CLIENT_ID)
                .containsEntry("client_secret", FakeProviders.GOOGLE_CLIENT_SECRET);
        assertThat(FlowSecrets.pkceChallenge(exchange.get("code_verifier")))
                .as("the verifier the provider receives matches the challenge it was shown")
                .isEqualTo(connected.atProvider().query().get("code_challenge"));
    }

    @Test
    void aConnectedAccountIsListedWithItsGrant() {
        ConnectedGmail connected = connectGmail();

        String id = given().auth().oauth2(Tokens.forUser(connected.user())).when().get("/api/integrations")
                .then().statusCode(200).body("", hasSize(1))
                .body("[0].integration_type", equalTo("gmail"))
                .body("[0].account", equalTo("alice@gmail.example"))
                .body("[0].status", equalTo("active"))
                .extract().path("[0].id");
        Connection stored = fixtures.find(UUID.fromString(id));
        assertThat(tokens.accessToken(stored)).contains(connected.access());
        assertThat(tokens.refreshToken(stored)).contains(connected.refresh());
        assertThat(stored.grantedScopes).contains(GMAIL_SEND, GMAIL_READONLY);
    }

    @Test
    void noSecretOfAConnectFlowIsStoredInPlaintext() throws SQLException {
        ConnectedGmail connected = connectGmail();
        String verifier = google.tokenRequestsFor(connected.code()).getFirst().get("code_verifier");
        Connection stored = fixtures.findByAccount(connected.user(), connected.subject());

        DatabaseRows.assertNoPlaintext(dataSource, "integration_tokens", "id", stored.id, connected.access(),
                connected.refresh(), connected.code(), verifier);
        DatabaseRows.assertNoPlaintext(dataSource, "oauth_flows", "user_id", connected.user(), connected.access(),
                connected.refresh(), connected.code(), verifier, connected.atProvider().state(), connected.cookie());
    }

    /** What a person's Gmail connect flow, {@link #connectGmail}, went through. */
    private record ConnectedGmail(String user, String subject, String code, String access, String refresh,
            Browser.AtProvider atProvider, String cookie, ExtractableResponse<Response> back) {
    }

    /** A person connects a Gmail account, returning to {@code /settings/integrations}. */
    private ConnectedGmail connectGmail() {
        String user = ConnectionFixtures.newUser("alice");
        Browser browser = new Browser(user);
        String code = secret("4/code");
        String access = secret("ya29.access");
        String refresh = secret("1//refresh");
        String subject = "google-sub-" + UUID.randomUUID();
        google.grants(code, access, refresh, List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY));
        google.account(access, subject, "alice@gmail.example");

        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect("gmail", "/settings/integrations", null));
        String cookie = browser.cookies().values().iterator().next();
        ExtractableResponse<Response> back = browser.returnFromProvider(Map.of("code", code, "state", atProvider.state()));
        assertThat(browser.confirm(back).statusCode()).isEqualTo(201);
        return new ConnectedGmail(user, subject, code, access, refresh, atProvider, cookie, back);
    }

    @Test
    void aPopupFlowPostsTheResultToExactlyTheWebAppsOrigin() {
        Browser browser = new Browser(ConnectionFixtures.newUser("alice"));
        String code = secret("4/code");
        String access = secret("ya29.access");
        google.grants(code, access, secret("1//refresh"), List.of("openid", "email", DRIVE_FILE));
        google.account(access, "sub-" + UUID.randomUUID(), "alice@drive.example");

        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect("google_drive", null, "popup"));
        ExtractableResponse<Response> back = browser.returnFromProvider(Map.of("code", code, "state", atProvider.state()));

        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.contentType()).startsWith("text/html");
        assertBrowserSafeHeaders(back);
        String page = back.body().asString();
        assertThat(page).contains("\"origin\":\"" + FRONTEND + "\"", "\"type\":\"google_drive\"", "\"status\":\"success\"",
                "\"confirmation\":\"", "postMessage(r.message,r.origin)").doesNotContain("'*'", "\"*\"", access, code);
        assertThat(back.header("Content-Security-Policy")).contains("script-src 'sha256-")
                .doesNotContain("unsafe-inline'; script");
    }

    @Test
    void reconnectingTheSameAccountRenewsItsConnection() {
        Reconnected reconnected = reconnectWithoutRefreshToken();

        assertThat(reconnected.back().header("Location")).contains("?success=gmail#confirmation=");
        List<String> ids = given().auth().oauth2(Tokens.forUser(reconnected.user())).when().get("/api/integrations")
                .then().statusCode(200).extract().path("id");
        assertThat(ids).hasSize(1);
        assertThat(tokens.accessToken(fixtures.find(UUID.fromString(ids.getFirst())))).contains(reconnected.secondAccess());
    }

    @Test
    void aRenewedGrantWithoutRefreshTokenKeepsTheStoredOne() {
        Reconnected reconnected = reconnectWithoutRefreshToken();

        Connection connection = fixtures.findByAccount(reconnected.user(), reconnected.subject());
        assertThat(tokens.refreshToken(connection)).contains(reconnected.firstRefresh());
    }

    private record Reconnected(String user, String subject, String firstRefresh, String secondAccess,
            ExtractableResponse<Response> back) {
    }

    /** A person connects a Gmail account, then the same account again; the second grant has no refresh token. */
    private Reconnected reconnectWithoutRefreshToken() {
        String user = ConnectionFixtures.newUser("alice");
        String subject = "sub-" + UUID.randomUUID();
        Browser browser = new Browser(user);
        String firstRefresh = secret("1//refresh");
        List<String> scopes = List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY);
        browser.connectAccount(google, "gmail", secret("4/code"), secret("ya29.a"), firstRefresh, scopes, subject,
                "alice@gmail.example");
        String secondAccess = secret("ya29.b");
        ExtractableResponse<Response> again = browser.connectAccount(google, "gmail", secret("4/code"), secondAccess, null,
                scopes, subject, "alice@gmail.example");
        return new Reconnected(user, subject, firstRefresh, secondAccess, again);
    }

    @Test
    void reconnectingAGrantThatNeedsReauthMakesItActiveAgain() {
        String user = ConnectionFixtures.newUser("alice");
        String subject = "sub-" + UUID.randomUUID();
        Browser browser = new Browser(user);
        List<String> scopes = List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY);
        browser.connectAccount(google, "gmail", secret("4/code"), secret("ya29.a"), secret("1//a"), scopes, subject,
                "alice@gmail.example");
        UUID id = fixtures.findByAccount(user, subject).id;
        fixtures.markNeedsReauth(id);

        browser.connectAccount(google, "gmail", secret("4/code"), secret("ya29.b"), secret("1//b"), scopes, subject,
                "alice@gmail.example");

        Connection again = fixtures.find(id);
        assertThat(again.status).isEqualTo(dev.integrationhub.connection.ConnectionStatus.ACTIVE);
        assertThat(again.refreshDueAt).isNotNull();
        Webhooks.awaitEvents(providerServer, id, List.of("connection.created", "connection.recovered"));
    }

    @Test
    void aSecondAccountBecomesASecondConnection() {
        String user = ConnectionFixtures.newUser("alice");
        Browser browser = new Browser(user);
        List<String> scopes = List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY);
        browser.connectAccount(google, "gmail", secret("4/code"), secret("ya29.w"), secret("1//w"), scopes,
                "sub-" + UUID.randomUUID(), "alice@work.example");
        browser.connectAccount(google, "gmail", secret("4/code"), secret("ya29.h"), secret("1//h"), scopes,
                "sub-" + UUID.randomUUID(), "alice@home.example");

        given().auth().oauth2(Tokens.forUser(user)).when().get("/api/integrations")
                .then().statusCode(200).body("account", org.hamcrest.Matchers.contains("alice@work.example",
                        "alice@home.example"));
    }

    @Test
    void aRefusedConsentEndsInAccessDenied() {
        Browser browser = new Browser(ConnectionFixtures.newUser("alice"));
        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect("gmail", null, null));

        ExtractableResponse<Response> back = browser.returnFromProvider(Map.of("error", "access_denied", "state",
                atProvider.state()));

        assertThat(back.header("Location")).isEqualTo(FRONTEND + "/integrations?error=access_denied");
        assertBrowserSafeHeaders(back);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "token_exchange_failed", "provider_unavailable", "provider_timeout" })
    void aTokenEndpointFailureEndsInItsStableError(String expected) {
        ExtractableResponse<Response> back = callbackWhileTheTokenEndpointFails(ConnectionFixtures.newUser("alice"),
                expected);

        assertThat(back.header("Location")).as(expected).isEqualTo(FRONTEND + "/integrations?error=" + expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "token_exchange_failed", "provider_unavailable", "provider_timeout" })
    void aTokenEndpointFailureStoresNothing(String expected) {
        String user = ConnectionFixtures.newUser("alice");

        callbackWhileTheTokenEndpointFails(user, expected);

        given().auth().oauth2(Tokens.forUser(user)).when().get("/api/integrations").then().body("", hasSize(0));
    }

    /** The callback of a flow whose code the token endpoint answers with the failure that means {@code expected}. */
    private ExtractableResponse<Response> callbackWhileTheTokenEndpointFails(String user, String expected) {
        com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer = switch (expected) {
            case "token_exchange_failed" -> WireMock.aResponse().withStatus(400)
                    .withHeader("Content-Type", "application/json").withBody("{\"error\":\"invalid_grant\"}");
            case "provider_unavailable" -> WireMock.aResponse().withStatus(500);
            case "provider_timeout" -> WireMock.okJson("{\"access_token\":\"late\"}").withFixedDelay(3_000);
            default -> throw new IllegalArgumentException(expected);
        };
        Browser browser = new Browser(user);
        String code = secret("4/code");
        google.answersCode(code, answer);
        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect("gmail", null, null));
        return browser.returnFromProvider(Map.of("code", code, "state", atProvider.state()));
    }

    @Test
    void aFirstGrantWithoutRefreshTokenIsNotStored() {
        String user = ConnectionFixtures.newUser("alice");
        ExtractableResponse<Response> back = new Browser(user).connectAccount(google, "gmail", secret("4/code"),
                secret("ya29.x"), null, List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY),
                "sub-" + UUID.randomUUID(), "a@example.com");

        assertThat(back.header("Location")).isEqualTo(FRONTEND + "/integrations?error=no_refresh_token");
        given().auth().oauth2(Tokens.forUser(user)).when().get("/api/integrations").then().body("", hasSize(0));
    }

    @Test
    void aGrantMissingARequiredScopeIsNotStored() {
        String user = ConnectionFixtures.newUser("alice");

        connectWithoutGmailReadonly(user);

        given().auth().oauth2(Tokens.forUser(user)).when().get("/api/integrations").then().body("", hasSize(0));
    }

    @Test
    void theUserIsToldWhichRequiredScopeIsMissing() {
        ExtractableResponse<Response> back = connectWithoutGmailReadonly(ConnectionFixtures.newUser("alice"));

        URI location = URI.create(back.header("Location"));
        assertThat(FakeOAuth.query(location.getRawQuery())).containsEntry("error", "missing_scope")
                .containsEntry("missing_scope", GMAIL_READONLY);
    }

    private ExtractableResponse<Response> connectWithoutGmailReadonly(String user) {
        return new Browser(user).connectAccount(google, "gmail", secret("4/code"), secret("ya29.x"), secret("1//x"),
                List.of("openid", "email", GMAIL_SEND), "sub-" + UUID.randomUUID(), "a@example.com");
    }

    @Test
    void anyOtherOAuthServerWorksByConfigurationAlone() {
        String user = ConnectionFixtures.newUser("alice");
        FakeOAuth acme = FakeOAuth.acme(providerServer);
        Browser browser = new Browser(user);
        String code = secret("acme-code");
        String access = secret("acme-access");
        acme.grants(code, access, secret("acme-refresh"), List.of("openid", "profile", "email", "notes.read",
                "notes.write"));
        acme.account(access, "acme-user-7", "alice@acme.example");

        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect("acme_notes", null, null));
        assertThat(atProvider.location().getRawPath()).isEqualTo("/acme/authorize");
        assertThat(atProvider.query()).containsEntry("tenant", "main").containsEntry("client_id", FakeProviders.ACME_CLIENT_ID)
                .doesNotContainKey("access_type");
        assertThat(atProvider.query().get("scope")).isEqualTo("openid profile email notes.read notes.write");
        ExtractableResponse<Response> back = browser.returnFromProvider(Map.of("code", code, "state", atProvider.state()));

        assertThat(back.header("Location")).startsWith(FRONTEND + "/integrations?success=acme_notes#confirmation=");
        assertThat(browser.confirm(back).statusCode()).isEqualTo(201);
        var exchange = acme.rawTokenRequestsFor(code);
        assertThat(exchange).hasSize(1);
        assertThat(exchange.getFirst().getHeader("Authorization")).as("client_secret_basic").startsWith("Basic ");
        assertThat(FakeOAuth.form(exchange.getFirst())).doesNotContainKey("client_secret");
        given().auth().oauth2(Tokens.forUser(user)).when().get("/api/integrations")
                .then().body("[0].provider", equalTo("acme")).body("[0].account", equalTo("alice@acme.example"));
    }

    @Test
    void twoParallelCallbacksWithOneStateMakeExactlyOneGrant() throws Exception {
        String user = ConnectionFixtures.newUser("alice");
        Browser browser = new Browser(user);
        String code = secret("4/code");
        String access = secret("ya29.p");
        google.grants(code, access, secret("1//p"), List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY));
        google.account(access, "sub-" + UUID.randomUUID(), "p@example.com");
        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect("gmail", null, null));

        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Callable<String> callback = () -> {
                start.await();
                return given().redirects().follow(false).cookies(browser.cookies()).queryParam("code", code)
                        .queryParam("state", atProvider.state()).when().get("/api/integrations/callback")
                        .then().extract().header("Location");
            };
            results.add(pool.submit(callback));
            results.add(pool.submit(callback));
            start.countDown();
        }
        List<String> locations = new ArrayList<>();
        for (Future<String> result : results) {
            locations.add(result.get());
        }
        locations.sort(null);
        assertThat(locations.get(0)).isEqualTo(FRONTEND + "/integrations?error=state_used");
        assertThat(locations.get(1)).startsWith(FRONTEND + "/integrations?success=gmail#confirmation=");
        assertThat(google.tokenRequestsFor(code)).hasSize(1);
        browser.confirm(locations.get(1).substring(locations.get(1).indexOf("#confirmation=") + 14));
        given().auth().oauth2(Tokens.forUser(user)).when().get("/api/integrations").then().body("", hasSize(1));
    }

    @ParameterizedTest(name = "return_to {0}: {1}")
    @MethodSource("unsafeReturnTo")
    void connectRejectsAnUnsafeReturnTo(String returnTo, String code) {
        given().auth().oauth2(Tokens.forUser("validator")).contentType(ContentType.JSON)
                .body(Map.of("integration_type", "gmail", "return_to", returnTo))
                .when().post("/api/integrations/connect")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo(code));
    }

    static Stream<Arguments> unsafeReturnTo() {
        return Stream.of(
                Arguments.of("https://evil.example/x", "invalid_return_to"),
                Arguments.of("//evil.example", "invalid_return_to"),
                Arguments.of("/\\evil.example", "invalid_return_to"),
                Arguments.of("/settings/../../x", "invalid_return_to"),
                Arguments.of("/%2F%2Fevil.example", "invalid_return_to"),
                Arguments.of("/admin", "invalid_return_to"),
                Arguments.of("javascript:alert(1)", "invalid_return_to"),
                Arguments.of("settings", "invalid_return_to"),
                Arguments.of("/settings//x", "invalid_return_to"),
                Arguments.of("/settings/" + "a".repeat(250), "validation_failed"),
                Arguments.of("/settings?next=//evil", "invalid_return_to"));
    }

    @Test
    void connectRejectsAnUnknownIntegrationType() {
        given().auth().oauth2(Tokens.forUser("validator")).contentType(ContentType.JSON)
                .body(Map.of("integration_type", "myspace"))
                .when().post("/api/integrations/connect").then().statusCode(400)
                .body("code", equalTo("unknown_integration_type"));
    }

    @Test
    void connectRejectsAnUnknownDisplayNamingTheField() {
        given().auth().oauth2(Tokens.forUser("validator")).contentType(ContentType.JSON)
                .body(Map.of("integration_type", "gmail", "display", "iframe"))
                .when().post("/api/integrations/connect").then().statusCode(400)
                .body("code", equalTo("validation_failed"))
                .body("errors[0].field", equalTo("display"));
    }

    @Test
    void connectRejectsAMissingBody() {
        given().auth().oauth2(Tokens.forUser("validator")).contentType(ContentType.JSON)
                .when().post("/api/integrations/connect")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
    }

    @Test
    void connectWithoutABearerTokenIsUnauthorized() {
        given().contentType(ContentType.JSON).body(Map.of("integration_type", "gmail"))
                .when().post("/api/integrations/connect").then().statusCode(401);
    }

    @Test
    void aUsedConnectLinkShowsAPlainErrorPage() {
        Browser browser = new Browser(ConnectionFixtures.newUser("alice"));
        String oauthUrl = browser.connect("gmail", null, null);
        browser.openOAuthUrl(oauthUrl);

        expectPlainErrorPage(FakeOAuth.query(URI.create(oauthUrl).getRawQuery()).get("flow"));
    }

    @ParameterizedTest(name = "flow \"{0}\"")
    @ValueSource(strings = { "forged", "" })
    void anUnknownConnectLinkShowsAPlainErrorPage(String flow) {
        expectPlainErrorPage(flow);
    }

    private static void expectPlainErrorPage(String flow) {
        ExtractableResponse<Response> page = given().redirects().follow(false).queryParam("flow", flow)
                .when().get("/api/integrations/authorize").then().extract();
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.header("Location")).isNull();
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.header("Set-Cookie")).isNull();
        assertBrowserSafeHeaders(page);
    }

    private static void assertBrowserSafeHeaders(ExtractableResponse<Response> response) {
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(response.header("Content-Security-Policy")).contains("default-src 'none'", "frame-ancestors 'none'");
    }
}
