package dev.integrationhub.token;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.testsupport.Webhooks;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Scheduled and on-demand refresh against a provider that can be slow, fail, rotate tokens and count calls. Grants
 * fall due, and leases and backoffs run out, by moving the {@link TestClock}.
 */
@QuarkusTest
class RefreshTest {

    private static final List<String> SCOPES = List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY);

    @FakeProviders.InjectServer
    WireMockServer providerServer;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    GrantTokens tokens;

    @Inject
    GrantRefresher refresher;

    @Inject
    RefreshScheduler scheduler;

    @Inject
    AccessTokens accessTokens;

    @Inject
    TestClock clock;

    @Inject
    HubConfig config;

    @Inject
    EntityManager entityManager;

    FakeOAuth google;

    @BeforeEach
    void provider() {
        google = FakeOAuth.google(providerServer);
    }

    /**
     * The grants earlier tests left are put out of the scheduler's reach, so that a run here refreshes only this
     * test's own: with hundreds of theirs due as well, a run lasted long enough for a failed grant's first backoff
     * (100 ms) to pass and the same run to call for it again, past the provider answers a test had set up.
     */
    @BeforeEach
    void onlyThisTestsGrantsFallDue() {
        QuarkusTransaction.requiringNew().run(() -> entityManager
                .createNativeQuery("UPDATE integration_tokens SET refresh_due_at = now() + interval '100 years'")
                .executeUpdate());
    }

    @Test
    void aDueGrantIsRefreshed() {
        String dueRefresh = secret("1//due");
        Connection due = grant(dueRefresh);
        String newAccess = secret("ya29.new");
        google.refreshes(dueRefresh, newAccess, null, SCOPES);
        clock.advance(ConnectionFixtures.UNTIL_DUE.plusSeconds(1));

        scheduler.runOnce();

        Connection refreshed = fixtures.find(due.id);
        assertThat(tokens.accessToken(refreshed)).contains(newAccess);
        assertThat(tokens.refreshToken(refreshed)).as("no refresh token in the answer keeps the stored one")
                .contains(dueRefresh);
        assertThat(refreshed.tokenExpiresAt).isAfter(clock.instant().plus(Duration.ofMinutes(50)));
        assertThat(refreshed.refreshDueAt).isEqualTo(refreshed.tokenExpiresAt.minus(Duration.ofMinutes(5)));
        assertThat(refreshed.lastRefreshedAt).isNotNull();
        assertThat(google.refreshCallsWith(dueRefresh)).isEqualTo(1);
    }

    @Test
    void aGrantFallingDueBeforeTheNextRunIsRefreshedNow() {
        String soonRefresh = secret("1//soon");
        grant(soonRefresh);
        google.refreshes(soonRefresh, secret("ya29.soon"), null, SCOPES);
        clock.advance(ConnectionFixtures.UNTIL_DUE.minusSeconds(10));

        scheduler.runOnce();

        assertThat(google.refreshCallsWith(soonRefresh)).as("due before the next run: taken now").isEqualTo(1);
    }

    @Test
    void aGrantFallingDueAfterTheNextRunIsLeftAlone() {
        String laterRefresh = secret("1//later");
        Connection later = grant(laterRefresh);
        clock.advance(ConnectionFixtures.UNTIL_DUE.minus(config.refresh().interval()).minusSeconds(30));

        scheduler.runOnce();

        assertThat(google.refreshCallsWith(laterRefresh)).isZero();
        assertThat(fixtures.find(later.id).version).isEqualTo(later.version);
    }

    @Test
    void twoConcurrentClaimersRefreshEachGrantExactlyOnce() throws Exception {
        List<String> refreshTokens = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String refresh = secret("1//many");
            refreshTokens.add(refresh);
            grant(refresh);
            google.answersRefresh(refresh,
                    WireMock.okJson(FakeOAuth.tokenResponse(secret("ya29.m"), null, SCOPES)).withFixedDelay(50));
        }

        clock.advance(ConnectionFixtures.UNTIL_DUE.plusSeconds(1));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> runs = new ArrayList<>();
        try (ExecutorService replicas = Executors.newFixedThreadPool(2)) {
            Callable<Integer> replica = () -> {
                start.await();
                return scheduler.runOnce();
            };
            runs.add(replicas.submit(replica));
            runs.add(replicas.submit(replica));
            start.countDown();
        }
        assertThat(runs.get(0).get() + runs.get(1).get()).isGreaterThanOrEqualTo(40);
        for (String refresh : refreshTokens) {
            assertThat(google.refreshCallsWith(refresh)).as("calls with one grant's refresh token").isEqualTo(1);
        }
    }

    @Test
    void aGrantClaimedByACrashedReplicaIsRefreshedOnceItsLeaseExpires() {
        String refresh = secret("1//crash");
        Connection connection = grant(refresh);
        google.refreshes(refresh, secret("ya29.after-crash"), null, SCOPES);
        clock.advance(ConnectionFixtures.UNTIL_DUE.plusSeconds(1));

        assertThat(refresher.claimForUse(connection.id, Duration.ofHours(2), Optional.empty()))
                .as("a replica claims the grant, then dies").isInstanceOf(GrantRefresher.Claimed.class);
        scheduler.runOnce();
        assertThat(google.refreshCallsWith(refresh)).as("leased to the dead replica").isZero();

        clock.advance(config.refresh().lease().plusSeconds(1));
        scheduler.runOnce();
        assertThat(google.refreshCallsWith(refresh)).isEqualTo(1);
        assertThat(fixtures.find(connection.id).refreshLeaseUntil).isNull();
    }

    @Test
    void twentyConcurrentCallersOfARotatingProviderCauseExactlyOneRefresh() throws Exception {
        String first = secret("1//rotating");
        String second = secret("1//rotated");
        String newAccess = secret("ya29.rotated");
        Connection connection = grant(first);
        clock.advance(ConnectionFixtures.TOKEN_LIFETIME.minusSeconds(10));
        String scenario = "rotation-" + connection.id;
        providerServer.stubFor(WireMock.post(WireMock.urlEqualTo("/google/token"))
                .withRequestBody(
                        WireMock.containing(java.net.URLEncoder.encode(first, java.nio.charset.StandardCharsets.UTF_8)))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("rotated")
                .willReturn(WireMock.okJson(FakeOAuth.tokenResponse(newAccess, second, SCOPES))
                        .withFixedDelay(300)));
        providerServer.stubFor(WireMock.post(WireMock.urlEqualTo("/google/token"))
                .withRequestBody(
                        WireMock.containing(java.net.URLEncoder.encode(first, java.nio.charset.StandardCharsets.UTF_8)))
                .inScenario(scenario).whenScenarioStateIs("rotated")
                .willReturn(WireMock.aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"invalid_grant\"}")));

        CountDownLatch start = new CountDownLatch(1);
        List<Future<AccessTokens.AccessToken>> callers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            for (int i = 0; i < 20; i++) {
                callers.add(pool.submit(() -> {
                    start.await();
                    return accessTokens.forConnection(connection.id);
                }));
            }
            start.countDown();
        }
        for (Future<AccessTokens.AccessToken> caller : callers) {
            assertThat(caller.get().token()).isEqualTo(newAccess);
        }
        assertThat(google.refreshCallsWith(first)).isEqualTo(1);
        Connection after = fixtures.find(connection.id);
        assertThat(after.status).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(tokens.refreshToken(after)).as("the rotated token is stored with the new access token")
                .contains(second);

        google.refreshes(second, secret("ya29.third"), null, SCOPES);
        clock.advance(ConnectionFixtures.TOKEN_LIFETIME.minusSeconds(10));
        assertThat(accessTokens.forConnection(connection.id).token()).startsWith("ya29.third");
        assertThat(fixtures.find(connection.id).status).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void invalidGrantMakesTheGrantNeedReauthAtOnce() {
        Connection connection = refreshRejectedWithInvalidGrant(secret("1//revoked-by-user"));

        Connection after = fixtures.find(connection.id);
        assertThat(after.status).isEqualTo(ConnectionStatus.NEEDS_REAUTH);
        assertThat(after.refreshDueAt).isNull();
    }

    @Test
    void aGrantThatNeedsReauthIsNotRefreshedAgain() {
        String refresh = secret("1//revoked-by-user");
        refreshRejectedWithInvalidGrant(refresh);

        scheduler.runOnce();

        assertThat(google.refreshCallsWith(refresh)).isEqualTo(1);
    }

    @Test
    void aGrantThatNeedsReauthHandsOutNoAccessToken() {
        Connection connection = refreshRejectedWithInvalidGrant(secret("1//revoked-by-user"));

        assertThatThrownBy(() -> accessTokens.forConnection(connection.id)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).problem().code()).isEqualTo("reauth_required"));
    }

    @Test
    void invalidGrantSendsOneNeedsReauthWebhook() {
        Connection connection = refreshRejectedWithInvalidGrant(secret("1//revoked-by-user"));

        scheduler.runOnce();

        Webhooks.awaitEvents(providerServer, connection.id, List.of("connection.needs_reauth"));
    }

    /** A due grant whose refresh the provider has just answered with {@code invalid_grant}. */
    private Connection refreshRejectedWithInvalidGrant(String refresh) {
        Connection connection = grant(refresh);
        google.answersRefresh(refresh, WireMock.aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}"));
        clock.advance(ConnectionFixtures.UNTIL_DUE.plusSeconds(1));
        scheduler.runOnce();
        return connection;
    }

    @Test
    void aTransientFailureKeepsTheGrantActive() {
        Connection connection = flakyGrant(secret("1//flaky"));

        clock.advance(ConnectionFixtures.UNTIL_DUE.plusSeconds(1));
        scheduler.runOnce();

        assertThat(fixtures.find(connection.id).status).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void aTransientFailureBacksOff() {
        Connection connection = flakyGrant(secret("1//flaky"));

        clock.advance(ConnectionFixtures.UNTIL_DUE.plusSeconds(1));
        scheduler.runOnce();

        assertThat(fixtures.find(connection.id).refreshDueAt).as("backed off")
                .isAfter(clock.instant().minusSeconds(1))
                .as("backed off, not leased").isBefore(clock.instant().plus(config.refresh().lease()));
    }

    @Test
    void repeatedTransientFailuresDegradeTheGrant() {
        Connection connection = flakyGrant(secret("1//flaky"));

        clock.advance(ConnectionFixtures.UNTIL_DUE.plusSeconds(1));
        scheduler.runOnce();
        clock.advance(config.refresh().maxBackoff().plusSeconds(1));
        scheduler.runOnce();

        assertThat(fixtures.find(connection.id).status).isEqualTo(ConnectionStatus.DEGRADED);
    }

    @Test
    void aSuccessRecoversADegradedGrant() {
        String refresh = secret("1//flaky");
        Connection connection = flakyGrant(refresh);

        clock.advance(ConnectionFixtures.UNTIL_DUE.plusSeconds(1));
        scheduler.runOnce();
        clock.advance(config.refresh().maxBackoff().plusSeconds(1));
        scheduler.runOnce();
        clock.advance(config.refresh().maxBackoff().plusSeconds(1));
        scheduler.runOnce();

        Connection recovered = fixtures.find(connection.id);
        assertThat(recovered.status).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(recovered.refreshFailures).isZero();
        assertThat(google.refreshCallsWith(refresh)).isEqualTo(3);
        Webhooks.awaitEvents(providerServer, connection.id, List.of("connection.recovered"));
    }

    /** A grant whose provider answers its refreshes with 500, then 503, then a new token. */
    private Connection flakyGrant(String refresh) {
        Connection connection = grant(refresh);
        String scenario = "flaky-" + connection.id;
        String encoded = java.net.URLEncoder.encode(refresh, java.nio.charset.StandardCharsets.UTF_8);
        providerServer.stubFor(WireMock.post(WireMock.urlEqualTo("/google/token")).withRequestBody(WireMock.containing(encoded))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second")
                .willReturn(WireMock.aResponse().withStatus(500)));
        providerServer.stubFor(WireMock.post(WireMock.urlEqualTo("/google/token")).withRequestBody(WireMock.containing(encoded))
                .inScenario(scenario).whenScenarioStateIs("second").willSetStateTo("up")
                .willReturn(WireMock.aResponse().withStatus(503)));
        providerServer.stubFor(WireMock.post(WireMock.urlEqualTo("/google/token")).withRequestBody(WireMock.containing(encoded))
                .inScenario(scenario).whenScenarioStateIs("up")
                .willReturn(WireMock.okJson(FakeOAuth.tokenResponse(secret("ya29.back"), null, SCOPES))));
        return connection;
    }

    @Test
    void retryAfterOfA429IsHonoured() {
        String refresh = secret("1//throttled");
        Connection connection = grant(refresh);
        google.answersRefresh(refresh, WireMock.aResponse().withStatus(429).withHeader("Retry-After", "120"));
        clock.advance(ConnectionFixtures.UNTIL_DUE.plusSeconds(1));

        scheduler.runOnce();

        Connection after = fixtures.find(connection.id);
        assertThat(after.refreshDueAt).isAfter(clock.instant().plus(Duration.ofSeconds(115)));
        assertThat(after.lastRefreshError).contains("429");
        scheduler.runOnce();
        assertThat(google.refreshCallsWith(refresh)).isEqualTo(1);
    }

    private Connection grant(String refreshToken) {
        return fixtures.create(ConnectionFixtures.newUser("refresh"), "gmail", "r@example.com", secret("ya29.old"),
                refreshToken);
    }

}
