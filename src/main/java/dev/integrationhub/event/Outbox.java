package dev.integrationhub.event;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;

import org.hibernate.jpa.SpecHints;

import dev.integrationhub.crypto.AssociatedData;
import dev.integrationhub.crypto.SecretCipher;

/**
 * The transactional outbox: items are written in the transaction of the change that causes them, then
 * claimed by one replica at a time ({@code FOR UPDATE SKIP LOCKED}; the claim moves {@code next_attempt_at}
 * forward as a lease, so a replica that dies mid-attempt only delays the item). Items change only through the
 * operations here (no generic update or delete), so it is not a Panache repository.
 */
@ApplicationScoped
public class Outbox {

    static final String SECRET_KIND = "outbox.secret";
    /** How long a claimed item is reserved for the replica attempting it. */
    static final Duration LEASE = Duration.ofMinutes(2);

    /** An item waits while an earlier one of the same kind and connection is open: per-connection order. */
    private static final String IN_ORDER = "not exists (from OutboxItem e where e.connectionId = o.connectionId"
            + " and e.kind = o.kind and e.doneAt is null and e.seq < o.seq)";

    private final EntityManager entityManager;
    private final InstantSource clock;
    private final SecretCipher cipher;

    Outbox(EntityManager entityManager, SecretCipher cipher, InstantSource clock) {
        this.entityManager = entityManager;
        this.clock = clock;
        this.cipher = cipher;
    }

    /** Adds an item in the caller's transaction; it is due at once. */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID enqueue(String kind, UUID connectionId, Map<String, Object> payload, Optional<String> secret) {
        OutboxItem item = new OutboxItem();
        item.id = UUID.randomUUID();
        item.kind = kind;
        item.connectionId = connectionId;
        item.payload = Map.copyOf(payload);
        item.secretCiphertext = secret.map(s -> cipher.encryptString(s, secretData(item.id))).orElse(null);
        item.createdAt = clock.instant();
        item.nextAttemptAt = item.createdAt;
        entityManager.persist(item);
        return item.id;
    }

    /** Claims up to {@code limit} due items (or the one given), leasing them to the caller. */
    @Transactional
    List<OutboxItem> claim(Optional<UUID> only, int limit) {
        Instant now = clock.instant();
        TypedQuery<OutboxItem> query = only.isPresent()
                ? entityManager.createQuery("from OutboxItem o where o.id = ?1 and o.doneAt is null"
                        + " and o.nextAttemptAt <= ?2 and " + IN_ORDER, OutboxItem.class)
                        .setParameter(1, only.get()).setParameter(2, now)
                : entityManager.createQuery("from OutboxItem o where o.doneAt is null and o.nextAttemptAt <= ?1 and "
                        + IN_ORDER + " order by o.nextAttemptAt", OutboxItem.class)
                        .setParameter(1, now);
        List<OutboxItem> due = query
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setHint(SpecHints.HINT_SPEC_LOCK_TIMEOUT, -2)
                .setFirstResult(0).setMaxResults(limit)
                .getResultList();
        due.forEach(item -> item.nextAttemptAt = now.plus(LEASE));
        return due;
    }

    Optional<String> secret(OutboxItem item) {
        return Optional.ofNullable(item.secretCiphertext).map(c -> cipher.decryptString(c, secretData(item.id)));
    }

    /** Gives back the lease of claimed items not attempted (a replica stopping): due again at once. */
    @Transactional
    void release(List<UUID> ids) {
        if (!ids.isEmpty()) {
            entityManager.createQuery("update OutboxItem set nextAttemptAt = ?1 where id in ?2 and doneAt is null")
                    .setParameter(1, clock.instant()).setParameter(2, ids).executeUpdate();
        }
    }

    @Transactional
    void delivered(UUID id) {
        finish(id, "delivered", null);
    }

    @Transactional
    void gaveUp(UUID id, String error) {
        finish(id, "gave_up", error);
    }

    @Transactional
    void retryLater(UUID id, int attempts, Instant next, String error) {
        entityManager.createQuery("update OutboxItem set attempts = ?1, nextAttemptAt = ?2, lastError = ?3 where id = ?4")
                .setParameter(1, attempts).setParameter(2, next).setParameter(3, error).setParameter(4, id)
                .executeUpdate();
    }

    private void finish(UUID id, String outcome, String error) {
        Instant now = clock.instant();
        entityManager.createQuery("update OutboxItem set attempts = attempts + 1, doneAt = ?1, outcome = ?2,"
                + " lastError = ?3, secretCiphertext = null where id = ?4")
                .setParameter(1, now).setParameter(2, outcome).setParameter(3, error).setParameter(4, id)
                .executeUpdate();
    }

    /**
     * Deletes up to {@code limit} items that finished before {@code before}, in a transaction of its own so that a
     * large purge never holds many locks at once.
     *
     * @return how many were deleted
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    int purgeDone(Instant before, int limit) {
        return entityManager.createNativeQuery("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
                + " WHERE done_at < :before LIMIT :limit)").setParameter("before", before).setParameter("limit", limit)
                .executeUpdate();
    }

    private static AssociatedData secretData(UUID itemId) {
        return new AssociatedData(SECRET_KIND, itemId);
    }
}
