package dev.integrationhub.event;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.hibernate.jpa.SpecHints;

import dev.integrationhub.crypto.AssociatedData;
import dev.integrationhub.crypto.SecretCipher;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/**
 * The transactional outbox: items are written in the transaction of the change that causes them, then
 * claimed by one replica at a time ({@code FOR UPDATE SKIP LOCKED}; the claim moves {@code next_attempt_at}
 * forward as a lease, so a replica that dies mid-attempt only delays the item).
 */
@ApplicationScoped
public class Outbox implements PanacheRepositoryBase<OutboxItem, UUID> {

    static final String SECRET_KIND = "outbox.secret";
    /** How long a claimed item is reserved for the replica attempting it. */
    static final Duration LEASE = Duration.ofMinutes(2);

    /** An item waits while an earlier one of the same kind and connection is open: per-connection order. */
    private static final String IN_ORDER = "not exists (from OutboxItem e where e.connectionId = o.connectionId"
            + " and e.kind = o.kind and e.doneAt is null and e.seq < o.seq)";

    private final InstantSource clock;
    private final SecretCipher cipher;

    Outbox(SecretCipher cipher, InstantSource clock) {
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
        persist(item);
        return item.id;
    }

    /** Claims up to {@code limit} due items (or the one given), leasing them to the caller. */
    @Transactional
    List<OutboxItem> claim(Optional<UUID> only, int limit) {
        Instant now = clock.instant();
        List<OutboxItem> due = (only.isPresent()
                ? find("from OutboxItem o where o.id = ?1 and o.doneAt is null and o.nextAttemptAt <= ?2 and " + IN_ORDER,
                        only.get(), now)
                : find("from OutboxItem o where o.doneAt is null and o.nextAttemptAt <= ?1 and " + IN_ORDER
                        + " order by o.nextAttemptAt", now))
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .withHint(SpecHints.HINT_SPEC_LOCK_TIMEOUT, -2)
                .page(0, limit).list();
        due.forEach(item -> item.nextAttemptAt = now.plus(LEASE));
        return due;
    }

    Optional<String> secret(OutboxItem item) {
        return Optional.ofNullable(item.secretCiphertext).map(c -> cipher.decryptString(c, secretData(item.id)));
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
        update("attempts = ?1, nextAttemptAt = ?2, lastError = ?3 where id = ?4", attempts, next, error, id);
    }

    private void finish(UUID id, String outcome, String error) {
        Instant now = clock.instant();
        update("attempts = attempts + 1, doneAt = ?1, outcome = ?2, lastError = ?3, secretCiphertext = null"
                + " where id = ?4", now, outcome, error, id);
    }

    private static AssociatedData secretData(UUID itemId) {
        return new AssociatedData(SECRET_KIND, itemId);
    }
}
