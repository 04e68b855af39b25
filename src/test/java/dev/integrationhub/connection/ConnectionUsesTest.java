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
import dev.integrationhub.testsupport.ConnectionFixtures;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Uses recorded at the same time share transactions (group commit), yet each is on record when its caller goes
 * on, and one that cannot be recorded fails only its own caller.
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

        for (int caller = 0; caller < CALLERS; caller++) {
            Future<Long> onRecord = recorded.get(caller);
            if (caller == 7) {
                assertThat(onRecord).failsWithin(30, TimeUnit.SECONDS);
            } else {
                assertThat(onRecord.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            }
        }
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
