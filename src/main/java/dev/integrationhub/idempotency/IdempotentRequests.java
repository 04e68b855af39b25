package dev.integrationhub.idempotency;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.error.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * The {@code Idempotency-Key} store for actions whose provider has no idempotency of its own (Gmail send): the first
 * request with a key claims it, does the work and records how it ended; a repeat gets the first result back instead
 * of doing the work twice, and a key reused for another request is refused. Keys are per caller and live for
 * {@code hub.idempotency.retention}. Each method runs in a transaction of its own, because callers make remote calls
 * between them: a claim must be visible to every replica before the call starts, and its end as soon as it is known.
 * Only the key, caller and operation are ever logged, never the fingerprint or a result.
 */
@ApplicationScoped
public class IdempotentRequests {

    private static final Logger LOG = Logger.getLogger(IdempotentRequests.class);
    private static final int MAX_KEY_LENGTH = 255;
    private static final int FINGERPRINT_BYTES = 32;
    private static final int PURGE_BATCH = 1000;
    private static final String IN_PROGRESS = "in_progress";
    private static final String SUCCEEDED = "succeeded";
    private static final String UNKNOWN = "unknown";

    /**
     * Claims a key that is absent or expired; an expired row is taken over in the same statement, so that of several
     * requests racing for a key (fresh or expired) exactly one inserts or updates a row.
     */
    private static final String CLAIM = "INSERT INTO idempotency_keys (caller, idem_key, operation, fingerprint, state,"
            + " created_at) VALUES (:caller, :key, :operation, :fingerprint, '" + IN_PROGRESS + "', :now)"
            + " ON CONFLICT (caller, idem_key) DO UPDATE SET operation = EXCLUDED.operation,"
            + " fingerprint = EXCLUDED.fingerprint, state = EXCLUDED.state, result = NULL,"
            + " created_at = EXCLUDED.created_at, finished_at = NULL"
            + " WHERE idempotency_keys.created_at < :expiredBefore";

    /**
     * Deletes a batch of expired rows. The condition is repeated outside the subquery so that a row taken over by a
     * new request while the purge waited for its lock is checked again, and kept.
     */
    private static final String PURGE = "DELETE FROM idempotency_keys WHERE (caller, idem_key) IN (SELECT caller,"
            + " idem_key FROM idempotency_keys WHERE created_at < :before LIMIT :limit) AND created_at < :before";

    private final EntityManager entityManager;
    private final ObjectMapper json;
    private final InstantSource clock;
    private final Duration retention;
    private final Duration staleAfter;

    IdempotentRequests(EntityManager entityManager, ObjectMapper json, HubConfig config, InstantSource clock) {
        this.entityManager = entityManager;
        this.json = json;
        this.clock = clock;
        this.retention = config.idempotency().retention();
        this.staleAfter = config.idempotency().staleAfter();
    }

    /**
     * What {@link #begin} found for a key.
     *
     * @param <T> the type of the request's result
     */
    public sealed interface Begun<T> {
    }

    /**
     * The key is now claimed for this request: the caller does the work, then records how it ended with exactly one
     * of {@link #succeeded}, {@link #unknown} or {@link #abandoned}.
     */
    public record Started<T>(String caller, String key, String operation) implements Begun<T> {
    }

    /** The same request succeeded before: its result, which the caller answers with instead of doing the work again. */
    public record Replayed<T>(T result) implements Begun<T> {
    }

    /**
     * Claims {@code key} for a request of {@code caller}, or answers a repeat of an earlier request with it. Of several
     * requests racing with one key, exactly one starts. A key older than {@code hub.idempotency.retention} counts as
     * never used.
     *
     * @param operation what the request does, e.g. {@code gmail.send}; a key serves one operation
     * @param fingerprint the SHA-256 of the request (32 bytes), computed by the caller over everything that makes two
     *        requests the same
     * @param resultType what a replayed result is read as: the type of the result given to {@link #succeeded}
     * @throws ProblemException 400 {@code invalid_idempotency_key} unless the key is 1 to 255 visible ASCII characters;
     *         422 {@code idempotency_key_reused} when the key was used for another request; 409
     *         {@code request_in_progress} while the first request runs; 502 {@code outcome_unknown} when the first
     *         request may or may not have taken effect (its outcome was unknown, or it has run longer than
     *         {@code hub.idempotency.stale-after})
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public <T> Begun<T> begin(String caller, String key, String operation, byte[] fingerprint, Class<T> resultType) {
        requireValid(key);
        if (fingerprint.length != FINGERPRINT_BYTES) {
            throw new IllegalArgumentException("The fingerprint must be a SHA-256 digest of 32 bytes");
        }
        Instant now = clock.instant();
        IdempotencyKey.PrimaryKey id = new IdempotencyKey.PrimaryKey(caller, key);
        while (true) {
            if (claim(caller, key, operation, fingerprint, now)) {
                return new Started<>(caller, key, operation);
            }
            IdempotencyKey existing = entityManager.find(IdempotencyKey.class, id);
            if (existing != null) {
                return repeat(existing, operation, fingerprint, now, resultType);
            }
            // Deleted between the two statements (abandoned, or purged): the key is free again.
        }
    }

    /** The request started by {@link #begin} succeeded: a repeat will be answered with {@code result}. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void succeeded(Started<?> started, Object result) {
        String resultJson;
        try {
            resultJson = json.writeValueAsString(Objects.requireNonNull(result, "result"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The result of a " + started.operation() + " cannot be stored as JSON ("
                    + e.getClass().getSimpleName() + ")");
        }
        finish(started, SUCCEEDED, resultJson);
    }

    /**
     * Whether the request started by {@link #begin} took effect is unknown (e.g. a timeout after the request was
     * written): a repeat is answered {@code 502 outcome_unknown}, never done again.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void unknown(Started<?> started) {
        finish(started, UNKNOWN, null);
    }

    /**
     * The request started by {@link #begin} did nothing (e.g. the provider refused it): the key is released, so the
     * same key may be used again, for this request or another.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void abandoned(Started<?> started) {
        int deleted = entityManager.createQuery("delete from IdempotencyKey where caller = ?1 and idemKey = ?2"
                + " and operation = ?3 and state = ?4")
                .setParameter(1, started.caller()).setParameter(2, started.key()).setParameter(3, started.operation())
                .setParameter(4, IN_PROGRESS)
                .executeUpdate();
        if (deleted != 1) {
            warnNotInProgress(started, "abandoned");
        }
    }

    /**
     * Deletes keys older than {@code hub.idempotency.retention}, in batches of their own transactions so that a large
     * purge never holds many locks at once.
     *
     * @return how many were deleted
     */
    public int purgeExpired() {
        Instant before = clock.instant().minus(retention);
        int total = 0;
        int deleted;
        do {
            deleted = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(PURGE)
                    .setParameter("before", before).setParameter("limit", PURGE_BATCH).executeUpdate());
            total += deleted;
        } while (deleted == PURGE_BATCH);
        return total;
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeOnSchedule() {
        purgeExpired();
    }

    private static void requireValid(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH
                || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7E)) {
            throw ProblemException.badRequest("invalid_idempotency_key",
                    "The Idempotency-Key must be 1 to 255 visible ASCII characters, without spaces.");
        }
    }

    /** Inserts the row for a new request, or takes over an expired one; false if a live row holds the key. */
    private boolean claim(String caller, String key, String operation, byte[] fingerprint, Instant now) {
        return entityManager.createNativeQuery(CLAIM)
                .setParameter("caller", caller).setParameter("key", key).setParameter("operation", operation)
                .setParameter("fingerprint", fingerprint).setParameter("now", now)
                .setParameter("expiredBefore", now.minus(retention))
                .executeUpdate() == 1;
    }

    private <T> Begun<T> repeat(IdempotencyKey existing, String operation, byte[] fingerprint, Instant now,
            Class<T> resultType) {
        if (!existing.operation.equals(operation) || !MessageDigest.isEqual(existing.fingerprint, fingerprint)) {
            throw new ProblemException(422, "idempotency_key_reused", "Idempotency key reused",
                    "This Idempotency-Key was used for a different request.");
        }
        if (SUCCEEDED.equals(existing.state)) {
            return new Replayed<>(read(existing.result, resultType, operation));
        }
        if (IN_PROGRESS.equals(existing.state) && existing.createdAt.plus(staleAfter).isAfter(now)) {
            throw new ProblemException(409, "request_in_progress", "Request in progress",
                    "The first request with this Idempotency-Key is still running; try again shortly.");
        }
        throw new ProblemException(502, "outcome_unknown", "Outcome unknown",
                "The first request with this Idempotency-Key may or may not have taken effect; it is not repeated"
                        + " automatically. Check before sending again with a new key.");
    }

    /** Reads a stored result; a failure names only the types, since the parser's message may quote the result. */
    private <T> T read(String result, Class<T> type, String operation) {
        try {
            return json.readValue(result, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The stored result of a " + operation + " cannot be read as "
                    + type.getSimpleName() + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void finish(Started<?> started, String state, String result) {
        int updated = entityManager.createQuery("update IdempotencyKey set state = ?1, result = ?2, finishedAt = ?3"
                + " where caller = ?4 and idemKey = ?5 and operation = ?6 and state = ?7")
                .setParameter(1, state).setParameter(2, result).setParameter(3, clock.instant())
                .setParameter(4, started.caller()).setParameter(5, started.key()).setParameter(6, started.operation())
                .setParameter(7, IN_PROGRESS)
                .executeUpdate();
        if (updated != 1) {
            warnNotInProgress(started, state);
        }
    }

    /**
     * A request ended whose key was no longer in progress: it was ended before, or outlived the retention. Logged, not
     * thrown: the caller's work is over, and its answer should say how it went.
     */
    private static void warnNotInProgress(Started<?> started, String outcome) {
        LOG.warnf("A %s of %s with Idempotency-Key %s ended (%s), but the key was no longer in progress (ended twice,"
                + " or older than the retention); nothing recorded", started.operation(), started.caller(),
                started.key(), outcome);
    }
}
