package dev.integrationhub.activity.service;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One line of a connection's history as its owner sees it. Holds no token, no message body and no file content;
 * {@code occurredAt} never changes once written, so keyset pages over ({@code occurredAt}, {@code id}) stay stable.
 */
@Entity
@Table(name = "connection_activity")
public class ActivityEntry {

    /** Taken in blocks of 50 from the column's sequence (V10), so that entries are inserted in batches. */
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "connection_activity_ids")
    @SequenceGenerator(name = "connection_activity_ids", sequenceName = "connection_activity_ids", allocationSize = 50)
    public Long id;

    @Column(name = "connection_id", nullable = false, updatable = false)
    public UUID connectionId;

    /** The connection's owner, whose listing shows the entry. */
    @Column(name = "user_id", nullable = false, updatable = false)
    public String userId;

    @Column(name = "occurred_at", nullable = false, updatable = false)
    public Instant occurredAt;

    /** An {@link ActivityKind}'s wire name. */
    @Column(nullable = false, updatable = false)
    public String kind;

    /** {@code you}, a platform service's client id, or {@code hub}. */
    @Column(nullable = false, updatable = false)
    public String actor;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> details;

    /** For {@code refreshed}: the UTC day the entry collects. */
    @Column(name = "refresh_day", updatable = false)
    public LocalDate refreshDay;

    /** For {@code refreshed}: how many refreshes that day; 1 otherwise. */
    @Column(nullable = false)
    public int count = 1;

    /** For {@code refreshed}: the day's last refresh. */
    @Column(name = "last_at")
    public Instant lastAt;
}
