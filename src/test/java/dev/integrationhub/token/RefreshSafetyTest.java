package dev.integrationhub.token;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.connection.RefreshOutcome;
import dev.integrationhub.crypto.AssociatedData;
import dev.integrationhub.crypto.Keysets;
import dev.integrationhub.crypto.SecretCipher;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.DatabaseRows;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.TestClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The refresh engine's edge cases: leases that are still live, rotated refresh tokens of superseded results, a
 * keyset that cannot decrypt a grant, and on-demand callers during a provider's backoff or with every provider call
 * slot taken.
 */
@QuarkusTest
class RefreshSafetyTest {

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
    ProviderCallSlots callSlots;

    @Inject
    DataSource dataSource;

    @Inject
    MeterRegistry metrics;

    @Inject
    TestClock clock;

    FakeOAuth google;

    @BeforeEach
    void provider() {
        google = FakeOAuth.google(providerServer);
    }

    @Test
    void aGrantWhoseLeaseEndsBeforeTheNextRunIsNotClaimedWhileTheLeaseLasts() throws SQLException {
        String refresh = secret("1//leased");
        Connection connection = grant(refresh);
        google.refreshes(refresh, secret("ya29.leased"), null, SCOPES);
        Instant leaseEnd = clock.instant().plusSeconds(10);
        DatabaseRows.updateOne(dataSource,
                "UPDATE integration_tokens SET refresh_lease_until = ?, refresh_due_at = ? WHERE id = ?",
                Timestamp.from(leaseEnd), Timestamp.from(leaseEnd), connection.id);

        scheduler.runOnce();

        assertThat(google.refreshCallsWith(refresh)).as("leased to another replica for 10 more seconds").isZero();
    }

    @Test
    void aRotatedRefreshTokenIsKeptWhenItsRefreshResultIsSuperseded() throws Exception {
        String first = secret("1//before-rotation");
        String rotated = secret("1//after-rotation");
        Connection connection = grant(first);
        google.refreshes(first, secret("ya29.rotation"), rotated, SCOPES);
        GrantRefresher.Claimed claim = claimWhenDue(connection);
        DatabaseRows.updateOne(dataSource, "UPDATE integration_tokens SET version = version + 1 WHERE id = ?", connection.id);
        assertThat(callSlots.acquire(Duration.ofSeconds(5))).as("a call slot, as the refresh's callers take one").isTrue();

        assertThat(refresher.refresh(claim)).isEqualTo(RefreshOutcome.SUPERSEDED);

        assertThat(tokens.refreshToken(fixtures.find(connection.id)))
                .as("the provider has invalidated the old refresh token").contains(rotated);
    }

    @Test
    void aRefreshTokenTheKeysetCannotDecryptLeavesTheStatusAlone() throws SQLException {
        String refresh = secret("1//foreign-key");
        Connection connection = grant(refresh);
        encryptRefreshTokenWithAnotherKeyset(connection.id, refresh);
        clock.advance(ConnectionFixtures.UNTIL_DUE.plusSeconds(1));
        google.refreshes(refresh, secret("ya29.foreign"), null, SCOPES);

        scheduler.runOnce();

        Connection after = fixtures.find(connection.id);
        assertThat(after.status).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(after.lastRefreshError).isNull();
        assertThat(google.refreshCallsWith(refresh)).isZero();
    }

    @Test
    void aRefreshTokenTheKeysetCannotDecryptIsCounted() throws SQLException {
        Connection connection = grant(secret("1//counted"));
        encryptRefreshTokenWithAnotherKeyset(connection.id, secret("1//counted-foreign"));
        clock.advance(ConnectionFixtures.UNTIL_DUE.plusSeconds(1));
        double before = metrics.counter("hub.unreadable.grants").count();

        scheduler.runOnce();

        assertThat(metrics.counter("hub.unreadable.grants").count()).isEqualTo(before + 1);
    }

    @Test
    void anOnDemandCallerGetsTheStillValidTokenWhenTheRefreshTokenCannotBeDecrypted() throws SQLException {
        String access = secret("ya29.still-valid");
        Connection connection = fixtures.create(ConnectionFixtures.newUser("keys"), "gmail", "k@example.com", access,
                secret("1//undecryptable"));
        encryptRefreshTokenWithAnotherKeyset(connection.id, secret("1//undecryptable-foreign"));
        clock.advance(ConnectionFixtures.TOKEN_LIFETIME.minusSeconds(30));

        assertThat(accessTokens.forConnection(connection.id).token()).isEqualTo(access);
        assertThat(fixtures.find(connection.id).status).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void onDemandCallersDuringABackoffGetTheStillValidTokenWithoutAProviderCall() throws SQLException {
        String access = secret("ya29.backing-off");
        String refresh = secret("1//backing-off");
        Connection connection = fixtures.create(ConnectionFixtures.newUser("outage"), "gmail", "o@example.com", access,
                refresh);
        throttled(connection, refresh);
        DatabaseRows.updateOne(dataSource, "UPDATE integration_tokens SET token_expires_at = ? WHERE id = ?",
                Timestamp.from(clock.instant().plusSeconds(30)), connection.id);

        for (int i = 0; i < 3; i++) {
            assertThat(accessTokens.forConnection(connection.id).token()).isEqualTo(access);
        }
        assertThat(google.refreshCallsWith(refresh)).as("only the scheduled attempt").isEqualTo(1);
    }

    @Test
    void onDemandCallersDuringABackoffWithAnExpiredTokenGet503WithoutAProviderCall() throws SQLException {
        String refresh = secret("1//outage-expired");
        Connection connection = grant(refresh);
        throttled(connection, refresh);
        DatabaseRows.updateOne(dataSource, "UPDATE integration_tokens SET token_expires_at = ? WHERE id = ?",
                Timestamp.from(clock.instant().minusSeconds(1)), connection.id);

        assertThatThrownBy(() -> accessTokens.forConnection(connection.id)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).problem().status()).isEqualTo(503));
        assertThat(google.refreshCallsWith(refresh)).as("only the scheduled attempt").isEqualTo(1);
    }

    @Test
    void anOnDemandCallerMakesNoProviderCallWhileTheReplicasCallSlotsAreAllTaken() throws Exception {
        String access = secret("ya29.no-slot");
        String refresh = secret("1//no-slot");
        Connection connection = fixtures.create(ConnectionFixtures.newUser("slots"), "gmail", "n@example.com", access,
                refresh);
        google.refreshes(refresh, secret("ya29.with-slot"), null, SCOPES);
        clock.advance(ConnectionFixtures.TOKEN_LIFETIME.minusSeconds(30));
        int taken = 0;
        while (callSlots.acquire(Duration.ZERO)) {
            taken++;
        }
        try {
            assertThat(accessTokens.forConnection(connection.id).token()).as("the still valid token").isEqualTo(access);
        } finally {
            for (int i = 0; i < taken; i++) {
                callSlots.release();
            }
        }
        assertThat(google.refreshCallsWith(refresh)).as("scheduled refreshes hold every slot of the replica").isZero();
    }

    @Test
    void aRefreshGivesItsCallSlotBackOnceTheProviderAnsweredWhileItsResultWaitsToBeRecorded() throws Exception {
        String refresh = secret("1//slot-back");
        Connection connection = grant(refresh);
        google.refreshes(refresh, secret("ya29.slot-back"), null, SCOPES);
        GrantRefresher.Claimed claim = claimWhenDue(connection);
        int taken = 0;
        while (callSlots.acquire(Duration.ZERO)) {
            taken++;
        }
        callSlots.release(); // the one slot left, taken by the refresh's caller below
        taken--;
        try (java.sql.Connection rowHolder = dataSource.getConnection();
                ExecutorService caller = Executors.newVirtualThreadPerTaskExecutor()) {
            rowHolder.setAutoCommit(false);
            try (PreparedStatement lock = rowHolder
                    .prepareStatement("SELECT 1 FROM integration_tokens WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, connection.id);
                lock.executeQuery().close();
            }
            assertThat(callSlots.acquire(Duration.ofSeconds(5))).isTrue();
            Future<RefreshOutcome> refreshing = caller.submit(() -> refresher.refresh(claim));

            assertThat(callSlots.acquire(Duration.ofSeconds(10))).as("the slot, given back after the provider's answer")
                    .isTrue();
            callSlots.release();
            assertThat(google.refreshCallsWith(refresh)).isEqualTo(1);
            assertThat(refreshing).as("recording waits for the row another transaction holds").isNotDone();
            rowHolder.rollback();
            assertThat(refreshing.get(10, TimeUnit.SECONDS)).isEqualTo(RefreshOutcome.REFRESHED);
        } finally {
            for (int i = 0; i < taken; i++) {
                callSlots.release();
            }
        }
    }

    /** One scheduled refresh fails with 429 and {@code Retry-After: 120}: the grant backs off for two minutes. */
    private void throttled(Connection connection, String refresh) {
        clock.advance(ConnectionFixtures.UNTIL_DUE.plusSeconds(1));
        google.answersRefresh(refresh, WireMock.aResponse().withStatus(429).withHeader("Retry-After", "120"));
        scheduler.runOnce();
        assertThat(fixtures.find(connection.id).refreshFailures).isEqualTo(1);
    }

    /** Lets the connection's token come within ten seconds of expiring and claims its refresh, as a caller would. */
    private GrantRefresher.Claimed claimWhenDue(Connection connection) {
        clock.advance(ConnectionFixtures.TOKEN_LIFETIME.minusSeconds(10));
        return (GrantRefresher.Claimed) refresher.claimForUse(connection.id, Duration.ofHours(2), Optional.empty());
    }

    /** The row's refresh token as a keyset without the service's keys made it: the service lacks its key. */
    private void encryptRefreshTokenWithAnotherKeyset(UUID id, String refreshToken) throws SQLException {
        byte[] foreign = new SecretCipher(Keysets.generate()).encryptString(refreshToken,
                new AssociatedData(GrantTokens.REFRESH_TOKEN, id));
        DatabaseRows.updateOne(dataSource, "UPDATE integration_tokens SET refresh_token_ciphertext = ? WHERE id = ?", foreign,
                id);
    }

    private Connection grant(String refreshToken) {
        return fixtures.create(ConnectionFixtures.newUser("safety"), "gmail", "s@example.com", secret("ya29.old"),
                refreshToken);
    }
}
