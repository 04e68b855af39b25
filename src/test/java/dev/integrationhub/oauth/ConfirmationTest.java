package dev.integrationhub.oauth;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.audit.AuditEntry;
import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.oauth.service.HeldGrants;
import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.testsupport.Tokens;
import dev.integrationhub.testsupport.Webhooks;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * The confirmation step: a grant won by a callback becomes a connection only when the platform user who started
 * the flow confirms it, so a connect link opened by someone else (the stranger's-link attack) attaches nobody's
 * account to anybody.
 */
@QuarkusTest
class ConfirmationTest {

    private static final List<String> SCOPES = List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY);

    @FakeProviders.InjectServer
    WireMockServer providerServer;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    GrantTokens tokens;

    @Inject
    HeldGrants heldGrants;

    @Inject
    EntityManager entityManager;

    @Inject
    TestClock clock;

    @Inject
    HubConfig config;

    FakeOAuth google;

    @BeforeEach
    void provider() {
        google = FakeOAuth.google(providerServer);
        google.revocationAnswers(200);
    }

    @Test
    void aStrangersLinkConfirmedByTheVictimConnectsNobody() {
        Flow attack = finishedIn(new Browser(ConnectionFixtures.newUser("mallory")),
                new Browser(ConnectionFixtures.newUser("victim")));

        assertThat(attack.finisher().confirm(attack.callback()).statusCode()).isEqualTo(404);

        connectionsOf(attack.starter()).body("", hasSize(0));
        connectionsOf(attack.finisher()).body("", hasSize(0));
    }

    @Test
    void aStrangersLinkConfirmedByTheVictimRevokesTheGrantAtTheProvider() {
        Flow attack = finishedIn(new Browser(ConnectionFixtures.newUser("mallory")),
                new Browser(ConnectionFixtures.newUser("victim")));

        attack.finisher().confirm(attack.callback());

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(google.revocationsOf(attack.refresh())).hasSize(1));
    }

    @Test
    void aForeignConfirmationIsAudited() {
        Browser victim = new Browser(ConnectionFixtures.newUser("victim"));
        Flow attack = finishedIn(new Browser(ConnectionFixtures.newUser("mallory")), victim);

        victim.confirm(attack.callback());

        List<AuditEntry> entries = QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("from AuditEntry where action = 'connect.foreign_confirmation' and actor = ?1",
                        AuditEntry.class)
                .setParameter(1, victim.userId()).getResultList());
        assertThat(entries).singleElement()
                .satisfies(entry -> assertThat(entry.detail).containsEntry("flow_user", attack.starter().userId()));
    }

    @Test
    void aForeignConfirmationUsesUpTheCode() {
        Flow attack = finishedIn(new Browser(ConnectionFixtures.newUser("mallory")),
                new Browser(ConnectionFixtures.newUser("victim")));
        attack.finisher().confirm(attack.callback());

        assertThat(attack.starter().confirm(attack.callback()).statusCode()).isEqualTo(404);
        connectionsOf(attack.starter()).body("", hasSize(0));
    }

    @Test
    void nothingIsConnectedBeforeTheConfirmation() {
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));

        finishedIn(alice, alice);

        connectionsOf(alice).body("", hasSize(0));
    }

    @Test
    void theUserWhoStartedTheFlowConfirmsItIntoANewConnection() {
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));
        Flow flow = finishedIn(alice, alice);

        ExtractableResponse<Response> confirmed = alice.confirm(flow.callback());

        assertThat(confirmed.statusCode()).isEqualTo(201);
        assertThat(confirmed.<String> path("integration_type")).isEqualTo("gmail");
        assertThat(confirmed.<String> path("account")).isEqualTo(flow.email());
        assertThat(confirmed.<String> path("status")).isEqualTo("active");
        assertThat(confirmed.body().asString()).doesNotContain(flow.access(), flow.refresh());
        connectionsOf(alice).body("", hasSize(1)).body("[0].id", equalTo(confirmed.path("id")));
    }

    @Test
    void theCreatedEventFiresAtTheConfirmation() {
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));
        Flow flow = finishedIn(alice, alice);

        UUID id = UUID.fromString(alice.confirm(flow.callback()).path("id"));

        Webhooks.awaitEvents(providerServer, id, List.of("connection.created"));
    }

    @Test
    void aConfirmationCodeWorksOnce() {
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));
        Flow flow = finishedIn(alice, alice);
        alice.confirm(flow.callback());

        ExtractableResponse<Response> again = alice.confirm(flow.callback());

        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.contentType()).startsWith("application/problem+json");
        assertThat(again.<String> path("code")).isEqualTo("not_found");
    }

    @Test
    void aConfirmationAfterTheFlowExpiredIsRejected() {
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));
        Flow flow = finishedIn(alice, alice);
        clock.advance(config.flow().ttl().plusSeconds(1));

        assertThat(alice.confirm(flow.callback()).statusCode()).isEqualTo(404);
        connectionsOf(alice).body("", hasSize(0));
    }

    @Test
    void anUnknownConfirmationCodeIsNotFound() {
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));

        assertThat(alice.confirm(secret("unknown-confirmation")).statusCode()).isEqualTo(404);
    }

    @Test
    void aConfirmationWithoutCodeIsAValidationError() {
        given().auth().oauth2(Tokens.forUser(ConnectionFixtures.newUser("alice"))).contentType(ContentType.JSON)
                .body("{}").when().post("/api/integrations/confirm")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("validation_failed"));
    }

    @Test
    void aGrantNeverConfirmedIsRevokedOnceItsFlowExpires() {
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));
        Flow flow = finishedIn(alice, alice);
        clock.advance(config.flow().ttl().plusSeconds(1));

        assertThat(heldGrants.revokeUnconfirmed()).isGreaterThanOrEqualTo(1);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(google.revocationsOf(flow.refresh())).hasSize(1));
        assertThat(alice.confirm(flow.callback()).statusCode()).isEqualTo(404);
    }

    @Test
    void aGrantNotYetExpiredIsNotRevokedUnconfirmed() {
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));
        Flow flow = finishedIn(alice, alice);

        heldGrants.revokeUnconfirmed();

        assertThat(google.revocationsOf(flow.refresh())).isEmpty();
        assertThat(alice.confirm(flow.callback()).statusCode()).isEqualTo(201);
    }

    @Test
    void aReconnectKeepsTheOldGrantUntilTheNewOneIsConfirmed() {
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));
        String subject = "sub-" + UUID.randomUUID();
        String firstAccess = secret("ya29.first");
        alice.connectAccount(google, "gmail", secret("4/first"), firstAccess, secret("1//first"), SCOPES, subject,
                "alice@gmail.example");
        UUID id = fixtures.findByAccount(alice.userId(), subject).id;
        String secondAccess = secret("ya29.second");
        String code = secret("4/second");
        google.grants(code, secondAccess, secret("1//second"), SCOPES);
        google.account(secondAccess, subject, "alice@gmail.example");
        Browser.AtProvider atProvider = alice.openOAuthUrl(alice.connect("gmail", null, null));
        ExtractableResponse<Response> callback = alice.returnFromProvider(Map.of("code", code, "state", atProvider.state()));

        assertThat(tokens.accessToken(fixtures.find(id))).as("before confirmation").contains(firstAccess);
        assertThat(alice.confirm(callback).statusCode()).as("renewed").isEqualTo(200);
        assertThat(tokens.accessToken(fixtures.find(id))).contains(secondAccess);
    }

    @Test
    void aGrantMissingARequiredScopeIsRevokedAtTheProvider() {
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));
        String code = secret("4/partial");
        String access = secret("ya29.partial");
        String refresh = secret("1//partial");
        google.grants(code, access, refresh, List.of("openid", "email", GMAIL_SEND));
        Browser.AtProvider atProvider = alice.openOAuthUrl(alice.connect("gmail", null, null));

        ExtractableResponse<Response> callback = alice.returnFromProvider(Map.of("code", code, "state", atProvider.state()));

        assertThat(callback.header("Location")).contains("error=missing_scope");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(google.revocationsOf(refresh)).hasSize(1));
    }

    /** A flow started by {@code starter} (the web app's POST /connect) and finished in {@code finisher}'s browser. */
    private record Flow(Browser starter, Browser finisher, String access, String refresh, String email,
            ExtractableResponse<Response> callback) {
    }

    private Flow finishedIn(Browser starter, Browser finisher) {
        String code = secret("4/code");
        String access = secret("ya29.access");
        String refresh = secret("1//refresh");
        String email = "owner-" + UUID.randomUUID() + "@gmail.example";
        google.grants(code, access, refresh, SCOPES);
        google.account(access, "sub-" + UUID.randomUUID(), email);
        String oauthUrl = starter.connect("gmail", null, null);

        Browser.AtProvider atProvider = finisher.openOAuthUrl(oauthUrl);
        ExtractableResponse<Response> callback = finisher.returnFromProvider(Map.of("code", code, "state",
                atProvider.state()));

        assertThat(callback.header("Location")).startsWith("http://localhost:5173/integrations?success=gmail#confirmation=");
        return new Flow(starter, finisher, access, refresh, email, callback);
    }

    private static io.restassured.response.ValidatableResponse connectionsOf(Browser browser) {
        return given().auth().oauth2(Tokens.forUser(browser.userId())).when().get("/api/integrations").then()
                .statusCode(200);
    }
}
