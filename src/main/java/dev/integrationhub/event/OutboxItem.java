package dev.integrationhub.event;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** Work that must eventually reach another system; see {@link Outbox}. */
@Entity
@Table(name = "outbox")
public class OutboxItem {

    @Id
    public UUID id;

    /** Which {@link OutboxHandler} delivers it. */
    @Column(nullable = false, updatable = false)
    public String kind;

    /** Write order, assigned by the database; webhooks of a connection go out in this order. */
    @Column(insertable = false, updatable = false)
    public Long seq;

    @Column(name = "connection_id", updatable = false)
    public UUID connectionId;

    /** What the handler needs, except secrets. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, updatable = false)
    public Map<String, Object> payload;

    /** A secret the handler needs (e.g. the token to revoke), encrypted and bound to this row. */
    @Column(name = "secret_ciphertext")
    public byte[] secretCiphertext;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    /** Why the last attempt failed, without secrets. */
    @Column(name = "last_error")
    public String lastError;

    @Column(name = "done_at")
    public Instant doneAt;

    /** {@code delivered} or {@code gave_up}, once done. */
    @Column
    public String outcome;
}
