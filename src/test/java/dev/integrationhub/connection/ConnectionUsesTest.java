package dev.integrationhub.connection;

import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import dev.integrationhub.auth.CurrentCaller.PlatformService;
import dev.integrationhub.connection.service.ConnectionUses;
import dev.integrationhub.connection.service.ConnectionUses.HandedOut;
import dev.integrationhub.testsupport.ConnectionFixtures;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Uses recorded at the same time share transactions (group commit), yet each is on record when its caller goes
 * on, and one that cannot be recorded fails only its own caller; token hand-outs read together each get their own.
 */
@QuarkusTest
class ConnectionUsesTest {

    private static final int CALLERS = 40;

    @Inject
    ConnectionUses uses;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    EntityManager entityManager;

    @Test
    void everyUseRecordedConcurrentlyIsOnRecordOnceWhenItsCallerGoesOn() throws Exception {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com",
                secret("ya29.uses"), secret("1//uses"));

        List<Future<Long>> recorded = concurrently(caller -> {
            uses.record(new PlatformService("svc-" + caller, "svc-" + caller), connection.id, connection.userId,
                    "token.handed_out", Map.of("n", caller), new ConnectionFact.TokenHandedOut(Instant.now()));
            return auditEntries(connection, "svc-" + caller);
        });

        for (Future<Long> onRecord : recorded) {
            assertThat(onRecord.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(activityEntries(connection)).isEqualTo(CALLERS);
    }

    @Test
    void aUseThatCannotBeRecordedFailsOnlyItsOwnCaller() throws Exception {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("bob"), "gmail", "bob@example.com",
                secret("ya29.uses"), secret("1//uses"));
        Object unwritable = new Object(); // no JSON form: the audit detail cannot be stored

        List<Future<Long>> recorded = concurrently(caller -> {
            uses.record(new PlatformService("svc-" + caller, "svc-" + caller), connection.id, connection.userId,
                    "token.handed_out", caller == 7 ? Map.of("n", unwritable) : Map.of("n", caller),
                    new ConnectionFact.TokenHandedOut(Instant.now()));
            return auditEntries(connection, "svc-" + caller);
        });

        assertOnlyCallerFailed(recorded, 7);
        assertThat(auditEntries(connection, "svc-7")).isZero();
        assertThat(activityEntries(connection)).isEqualTo(CALLERS - 1);
    }

    @Test
    void aUseRecordedInsideATransactionStaysOnRecordWhenThatTransactionRollsBack() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("carol"), "gmail", "carol@example.com",
                secret("ya29.uses"), secret("1//uses"));

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            uses.record(new PlatformService("svc-tx", "svc-tx"), connection.id, connection.userId, "token.handed_out",
                    Map.of(), new ConnectionFact.TokenHandedOut(Instant.now()));
            throw new IllegalStateException("the caller's own work failed");
        })).hasMessageContaining("the caller's own work failed");

        assertThat(auditEntries(connection, "svc-tx")).isEqualTo(1);
        assertThat(activityEntries(connection)).isEqualTo(1);
    }

    @Test
    void aCallerInterruptedBeforeItRecordsStillHasItsUseOnRecordAndKeepsItsInterrupt() throws Exception {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("dave"), "gmail", "dave@example.com",
                secret("ya29.uses"), secret("1//uses"));

        CompletableFuture<Boolean> keptInterrupt = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            Thread.currentThread().interrupt();
            try {
                uses.record(new PlatformService("svc-int", "svc-int"), connection.id, connection.userId,
                        "token.handed_out", Map.of(), new ConnectionFact.TokenHandedOut(Instant.now()));
                keptInterrupt.complete(Thread.currentThread().isInterrupted());
            } catch (RuntimeException e) {
                keptInterrupt.completeExceptionally(e);
            }
        });

        assertThat(keptInterrupt.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(auditEntries(connection, "svc-int")).isEqualTo(1);
    }

    @Test
    void concurrentHandOutsOfManyConnectionsEachGetTheirOwnConnectionsTokenAndOneEntry() throws Exception {
        List<Connection> connections = new ArrayList<>();
        List<String> accessTokens = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String accessToken = secret("ya29.handout-" + i);
            accessTokens.add(accessToken);
            connections.add(fixtures.create(ConnectionFixtures.newUser("frank"), "gmail", "frank@example.com",
                    accessToken, secret("1//handout")));
        }

        List<Future<Long>> handedOut = concurrently(caller -> {
            Connection connection = connections.get(caller % connections.size());
            HandedOut token = uses.handOutIfValid(new PlatformService("svc-h" + caller, "svc-h" + caller),
                    connection.id, Instant.now().plusSeconds(60), "token.handed_out").orElseThrow();
            assertThat(token.row().owner().id()).isEqualTo(connection.id);
            assertThat(token.accessToken()).isEqualTo(accessTokens.get(caller % connections.size()));
            return auditEntries(connection, "svc-h" + caller);
        });

        for (Future<Long> onRecord : handedOut) {
            assertThat(onRecord.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(activityEntries(connections.getFirst())).isEqualTo(CALLERS / connections.size());
    }

    @Test
    void aHandOutOfATokenExpiringBeforeTheLimitIsNoneAndRecordsNothing() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("gina"), "gmail", "gina@example.com",
                secret("ya29.uses"), secret("1//uses"));

        assertThat(uses.handOutIfValid(new PlatformService("svc-late", "svc-late"), connection.id,
                Instant.now().plus(ConnectionFixtures.TOKEN_LIFETIME).plusSeconds(60), "token.handed_out")).isEmpty();

        assertThat(auditEntries(connection, "svc-late")).isZero();
        assertThat(activityEntries(connection)).isZero();
    }

    @Test
    void aHandOutWhoseTokenCannotBeDecryptedFailsOnlyItsOwnCallerAndRecordsNothing() throws Exception {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("hank"), "gmail", "hank@example.com",
                secret("ya29.uses"), secret("1//uses"));
        Connection broken = fixtures.create(ConnectionFixtures.newUser("hank"), "gmail", "hank2@example.com",
                secret("ya29.broken"), secret("1//broken"));
        QuarkusTransaction.requiringNew().run(() -> entityManager
                .createNativeQuery("update integration_tokens set access_token_ciphertext = ?1 where id = ?2")
                .setParameter(1, new byte[] { 1, 2, 3 }).setParameter(2, broken.id).executeUpdate());

        List<Future<Long>> handedOut = concurrently(caller -> {
            Connection target = caller == 7 ? broken : connection;
            uses.handOutIfValid(new PlatformService("svc-d" + caller, "svc-d" + caller), target.id,
                    Instant.now().plusSeconds(60), "token.handed_out");
            return auditEntries(target, "svc-d" + caller);
        });

        assertOnlyCallerFailed(handedOut, 7);
        assertThat(auditEntries(broken, "svc-d7")).isZero();
        assertThat(activityEntries(broken)).isZero();
    }

    /** Caller {@code failing}'s outcome is a failure; every other caller's use is on record once. */
    private static void assertOnlyCallerFailed(List<Future<Long>> outcomes, int failing) throws Exception {
        for (int caller = 0; caller < CALLERS; caller++) {
            Future<Long> onRecord = outcomes.get(caller);
            if (caller == failing) {
                assertThat(onRecord).failsWithin(30, TimeUnit.SECONDS);
            } else {
                assertThat(onRecord.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            }
        }
    }

    private interface Use {
        long record(int caller) throws Exception;
    }

    /** Runs every caller's use at once (released together) and returns their outcomes in caller order. */
    private static List<Future<Long>> concurrently(Use use) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Long>> outcomes = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CALLERS; i++) {
                int caller = i;
                outcomes.add(callers.submit(() -> {
                    start.await();
                    return use.record(caller);
                }));
            }
            start.countDown();
        }
        return outcomes;
    }

    private long auditEntries(Connection connection, String actor) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("select count(*) from AuditEntry where connectionId = ?1 and actor = ?2", Long.class)
                .setParameter(1, connection.id).setParameter(2, actor).getSingleResult());
    }

    private long activityEntries(Connection connection) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("select count(*) from connection_activity where connection_id = ?1")
                .setParameter(1, connection.id).getSingleResult()).longValue());
    }
}
