package dev.integrationhub.idempotency;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/**
 * A request that carried an {@code Idempotency-Key}: which request it was (as a fingerprint) and how it ended. Read
 * and changed only by {@link IdempotentRequests}, so it is not public.
 */
@Entity
@Table(name = "idempotency_keys")
@IdClass(IdempotencyKey.PrimaryKey.class)
class IdempotencyKey {

    /** Who sent the request: keys are per caller, so two callers may use the same key. */
    @Id
    @Column(nullable = false, updatable = false)
    String caller;

    @Id
    @Column(name = "idem_key", nullable = false, updatable = false)
    String idemKey;

    /** What the request does, e.g. {@code gmail.send}. */
    @Column(nullable = false)
    String operation;

    /** SHA-256 of the request, computed by the caller. */
    @Column(nullable = false)
    byte[] fingerprint;

    /** {@code in_progress}, {@code succeeded} or {@code unknown}. */
    @Column(nullable = false)
    String state;

    /** The result of a success, as JSON. */
    @Column
    String result;

    @Column(name = "created_at", nullable = false)
    Instant createdAt;

    @Column(name = "finished_at")
    Instant finishedAt;

    /** The primary key: a key is unique per caller. */
    record PrimaryKey(String caller, String idemKey) {
    }
}
