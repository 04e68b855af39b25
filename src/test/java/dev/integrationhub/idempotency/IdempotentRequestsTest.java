package dev.integrationhub.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.idempotency.IdempotentRequests.Begun;
import dev.integrationhub.idempotency.IdempotentRequests.Replayed;
import dev.integrationhub.idempotency.IdempotentRequests.Started;
import dev.integrationhub.testsupport.TestClock;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A keyed request is done once: a repeat replays the first result or is refused, whatever the timing, and a key is
 * free again after it was abandoned or expired. Every test uses a caller and key of its own, since the database is
 * shared by the whole suite.
 */
@QuarkusTest
class IdempotentRequestsTest {

    private static final String SEND = "gmail.send";
    private static final int RACERS = 8;

    /** A result as an action would return it; stored as JSON and read back as this type. */
    record Sent(String messageId, List<String> labelIds) {
    }

    @Inject
    IdempotentRequests requests;

    @Inject
    TestClock clock;

    @Inject
    HubConfig config;

    @Inject
    EntityManager entityManager;

    private final String caller = "user-" + UUID.randomUUID();
    private final String key = UUID.randomUUID().toString();
    private final byte[] request = fingerprint("to=a@example.com");

    @Test
    void theFirstRequestWithAKeyStarts() {
        assertThat(begin(caller, key, SEND, request)).isEqualTo(new Started<Sent>(caller, key, SEND));
    }

    @Test
    void aRepeatAfterSuccessReplaysTheFirstResult() {
        Sent sent = new Sent("msg-1", List.of("SENT", "INBOX"));
        requests.succeeded(started(key, request), sent);

        assertThat(begin(caller, key, SEND, request)).isEqualTo(new Replayed<>(sent));
    }

    @Test
    void theSameKeyForAnotherRequestBodyIsRefused() {
        requests.succeeded(started(key, request), new Sent("msg-1", List.of()));

        assertProblem(() -> begin(caller, key, SEND, fingerprint("to=b@example.com")), 422, "idempotency_key_reused");
    }

    @Test
    void theSameKeyForAnotherOperationIsRefused() {
        requests.succeeded(started(key, request), new Sent("msg-1", List.of()));

        assertProblem(() -> begin(caller, key, "drive.upload", request), 422, "idempotency_key_reused");
    }

    @Test
    void anotherCallersKeyIsIndependent() {
        started(key, request);
        String otherCaller = "user-" + UUID.randomUUID();

        assertThat(begin(otherCaller, key, SEND, fingerprint("to=b@example.com")))
                .isEqualTo(new Started<Sent>(otherCaller, key, SEND));
    }

    @Test
    void aRepeatWhileTheFirstRequestRunsIsAskedToTryAgain() {
        started(key, request);
        clock.advance(config.idempotency().staleAfter().minusSeconds(1));

        assertProblem(() -> begin(caller, key, SEND, request), 409, "request_in_progress");
    }

    @Test
    void aRepeatOfARequestRunningBeyondStaleAfterHasAnUnknownOutcome() {
        started(key, request);
        clock.advance(config.idempotency().staleAfter().plusSeconds(1));

        assertProblem(() -> begin(caller, key, SEND, request), 502, "outcome_unknown");
    }

    @Test
    void aRepeatOfARequestWithAnUnknownOutcomeIsNotDoneAgain() {
        requests.unknown(started(key, request));

        assertProblem(() -> begin(caller, key, SEND, request), 502, "outcome_unknown");
    }

    @Test
    void anAbandonedKeyCanBeUsedAgain() {
        requests.abandoned(started(key, request));

        assertThat(begin(caller, key, SEND, fingerprint("to=b@example.com")))
                .isEqualTo(new Started<Sent>(caller, key, SEND));
    }

    @Test
    void anExpiredKeyServesANewRequest() {
        requests.succeeded(started(key, request), new Sent("msg-old", List.of()));
        clock.advance(config.idempotency().retention().plusSeconds(1));
        byte[] newRequest = fingerprint("to=b@example.com");

        Begun<Sent> begun = begin(caller, key, SEND, newRequest);

        assertThat(begun).isEqualTo(new Started<Sent>(caller, key, SEND));
        Sent sent = new Sent("msg-new", List.of("SENT"));
        requests.succeeded((Started<?>) begun, sent);
        assertThat(begin(caller, key, SEND, newRequest)).isEqualTo(new Replayed<>(sent));
    }

    @Test
    void thePurgeRemovesOnlyExpiredKeys() {
        String youngKey = UUID.randomUUID().toString();
        requests.succeeded(started(key, request), new Sent("msg-old", List.of()));
        clock.advance(config.idempotency().retention());
        started(youngKey, request);
        clock.advance(Duration.ofSeconds(1));

        assertThat(requests.purgeExpired()).isPositive();

        assertThat(rows(key)).as("the expired key").isZero();
        assertThat(rows(youngKey)).as("the key younger than the retention").isOne();
    }

    @Test
    void ofRequestsRacingWithOneNewKeyExactlyOneStarts() throws Exception {
        assertThat(race()).hasSize(RACERS).containsOnlyOnce("Started").containsOnly("Started", "request_in_progress");
    }

    @Test
    void ofRequestsRacingForAnExpiredKeyExactlyOneStarts() throws Exception {
        requests.succeeded(started(key, request), new Sent("msg-old", List.of()));
        clock.advance(config.idempotency().retention().plusSeconds(1));

        assertThat(race()).hasSize(RACERS).containsOnlyOnce("Started").containsOnly("Started", "request_in_progress");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { "has space", "tab\tinside", "schlüssel", "key\u007F", "new\nline" })
    void aKeyOtherThanVisibleAsciiIsRefused(String invalidKey) {
        assertProblem(() -> begin(caller, invalidKey, SEND, request), 400, "invalid_idempotency_key");
    }

    @Test
    void aKeyLongerThan255CharactersIsRefused() {
        assertProblem(() -> begin(caller, "k".repeat(256), SEND, request), 400, "invalid_idempotency_key");
    }

    @Test
    void aKeyOf255VisibleAsciiCharactersIsAccepted() {
        String longKey = "!~" + UUID.randomUUID() + "x".repeat(255 - 38);

        assertThat(longKey).hasSize(255);
        assertThat(begin(caller, longKey, SEND, request)).isEqualTo(new Started<Sent>(caller, longKey, SEND));
    }

    private Begun<Sent> begin(String who, String idempotencyKey, String operation, byte[] fingerprint) {
        return requests.begin(who, idempotencyKey, operation, fingerprint, Sent.class);
    }

    private Started<?> started(String idempotencyKey, byte[] fingerprint) {
        Begun<Sent> begun = begin(caller, idempotencyKey, SEND, fingerprint);
        assertThat(begun).isInstanceOf(Started.class);
        return (Started<?>) begun;
    }

    /** Begins the same request with {@link #key} on {@link #RACERS} threads at once; what each got. */
    private List<String> race() throws InterruptedException, ExecutionException {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(RACERS)) {
            for (int i = 0; i < RACERS; i++) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        return begin(caller, key, SEND, fingerprint("to=racer@example.com")).getClass().getSimpleName();
                    } catch (ProblemException e) {
                        return e.problem().code();
                    }
                }));
            }
            start.countDown();
        }
        List<String> results = new ArrayList<>();
        for (Future<String> outcome : outcomes) {
            results.add(outcome.get());
        }
        return results;
    }

    private long rows(String idempotencyKey) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "SELECT count(*) FROM idempotency_keys WHERE caller = ?1 AND idem_key = ?2")
                .setParameter(1, caller).setParameter(2, idempotencyKey).getSingleResult()).longValue());
    }

    private static void assertProblem(ThrowingCallable call, int status, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.problem().status()).isEqualTo(status);
            assertThat(e.problem().code()).isEqualTo(code);
        });
    }

    private static byte[] fingerprint(String request) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(request.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
