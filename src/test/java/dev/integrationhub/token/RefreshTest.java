package dev.integrationhub.token;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;

/** Scheduled and on-demand refresh against a provider that can be slow, fail, rotate tokens and count calls. */
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

    FakeOAuth google;

    @BeforeEach
    void provider() {
        google = FakeOAuth.google(providerServer);
    }

    @Test
    void grantsDueBeforeTheNextRunAreRefreshedAndOthersLeftAlone() {
        String dueRefresh = secret("1//due");
        String laterRefresh = secret("1//later");
        Connection due = grant(dueRefresh);
        Connection later = grant(laterRefresh);
        String soonRefresh = secret("1//soon");
        Connection soon = grant(soonRefresh);
        fixtures.expireIn(due.id, 120);
        fixtures.refreshDueIn(soon.id, 10);
        String newAccess = secret("ya29.new");
        google.refreshes(dueRefresh, newAccess, null, SCOPES);
        google.refreshes(soonRefresh, secret("ya29.soon"), null, SCOPES);

        scheduler.runOnce();

        Connection refreshed = fixtures.find(due.id);
        assertThat(tokens.accessToken(refreshed)).contains(newAccess);
        assertThat(tokens.refreshToken(refreshed)).as("no refresh token in the answer keeps the stored one")
                .contains(dueRefresh);
        assertThat(refreshed.tokenExpiresAt).isAfter(Instant.now().plus(Duration.ofMinutes(50)));
        assertThat(refreshed.refreshDueAt).isEqualTo(refreshed.tokenExpiresAt.minus(Duration.ofMinutes(5)));
        assertThat(refreshed.lastRefreshedAt).isNotNull();
        assertThat(google.refreshCallsWith(dueRefresh)).isEqualTo(1);
        assertThat(google.refreshCallsWith(soonRefresh)).as("due before the next run: taken now").isEqualTo(1);
        assertThat(google.refreshCallsWith(laterRefresh)).isZero();
        assertThat(fixtures.find(later.id).version).isEqualTo(later.version);
    }

    @Test
    void twoConcurrentClaimersRefreshEachGrantExactlyOnce() throws Exception {
        List<String> refreshTokens = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String refresh = secret("1//many");
            refreshTokens.add(refresh);
            fixtures.expireIn(grant(refresh).id, 120);
            google.answersRefresh(refresh,
                    WireMock.okJson(FakeOAuth.tokenResponse(secret("ya29.m"), null, SCOPES)).withFixedDelay(50));
        }

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
        fixtures.expireIn(connection.id, 120);
        google.refreshes(refresh, secret("ya29.after-crash"), null, SCOPES);

        assertThat(refresher.claimForUse(connection.id, Duration.ofHours(2)))
                .as("a replica claims the grant, then dies").isInstanceOf(GrantRefresher.Claimed.class);
        scheduler.runOnce();
        assertThat(google.refreshCallsWith(refresh)).as("leased to the dead replica").isZero();

        fixtures.expireIn(connection.id, 120);
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
        fixtures.expireIn(connection.id, 10);
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
        fixtures.expireIn(connection.id, 10);
        assertThat(accessTokens.forConnection(connection.id).token()).startsWith("ya29.third");
        assertThat(fixtures.find(connection.id).status).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void invalidGrantNeedsReauthAtOnceWithOneWebhookAndNoMoreCalls() {
        String refresh = secret("1//revoked-by-user");
        Connection connection = grant(refresh);
        fixtures.expireIn(connection.id, 120);
        google.answersRefresh(refresh, WireMock.aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}"));

        scheduler.runOnce();
        scheduler.runOnce();

        Connection after = fixtures.find(connection.id);
        assertThat(after.status).isEqualTo(ConnectionStatus.NEEDS_REAUTH);
        assertThat(after.refreshDueAt).isNull();
        assertThat(google.refreshCallsWith(refresh)).isEqualTo(1);
        assertThatThrownBy(() -> accessTokens.forConnection(connection.id)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).problem().code()).isEqualTo("reauth_required"));
        Webhooks.awaitEvents(providerServer, connection.id, List.of("connection.needs_reauth"));
    }

    @Test
    void transientFailuresDegradeTheGrantAndASuccessRecoversIt() {
        String refresh = secret("1//flaky");
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

        fixtures.expireIn(connection.id, 120);
        scheduler.runOnce();
        assertThat(fixtures.find(connection.id).status).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(fixtures.find(connection.id).refreshDueAt).as("backed off").isAfter(Instant.now().minusSeconds(1));

        fixtures.expireIn(connection.id, 120);
        scheduler.runOnce();
        assertThat(fixtures.find(connection.id).status).isEqualTo(ConnectionStatus.DEGRADED);

        fixtures.expireIn(connection.id, 120);
        scheduler.runOnce();
        Connection recovered = fixtures.find(connection.id);
        assertThat(recovered.status).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(recovered.refreshFailures).isZero();
        assertThat(google.refreshCallsWith(refresh)).isEqualTo(3);
        Webhooks.awaitEvents(providerServer, connection.id, List.of("connection.recovered"));
    }

    @Test
    void retryAfterOfA429IsHonoured() {
        String refresh = secret("1//throttled");
        Connection connection = grant(refresh);
        fixtures.expireIn(connection.id, 120);
        google.answersRefresh(refresh, WireMock.aResponse().withStatus(429).withHeader("Retry-After", "120"));

        scheduler.runOnce();

        Connection after = fixtures.find(connection.id);
        assertThat(after.refreshDueAt).isAfter(Instant.now().plus(Duration.ofSeconds(115)));
        assertThat(after.lastRefreshError).contains("429");
        scheduler.runOnce();
        assertThat(google.refreshCallsWith(refresh)).isEqualTo(1);
    }

    private Connection grant(String refreshToken) {
        return fixtures.create(ConnectionFixtures.newUser("refresh"), "gmail", "r@example.com", secret("ya29.old"),
                refreshToken);
    }

}
