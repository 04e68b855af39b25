package dev.integrationhub.audit;

import java.time.Instant;
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

/** One line of the audit trail: who did what to which connection, and when. Never holds a secret. */
@Entity
@Table(name = "audit_log")
public class AuditEntry {

    /** Taken in blocks of 50 from the column's sequence (V10), so that entries are inserted in batches. */
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "audit_log_ids")
    @SequenceGenerator(name = "audit_log_ids", sequenceName = "audit_log_ids", allocationSize = 50)
    public Long id;

    @Column(name = "occurred_at", nullable = false, updatable = false)
    public Instant occurredAt;

    /** The user ({@code sub}) or platform service that acted. */
    @Column(nullable = false, updatable = false)
    public String actor;

    /** What was done, e.g. {@code connection.metadata_updated}. */
    @Column(nullable = false, updatable = false)
    public String action;

    @Column(name = "connection_id", updatable = false)
    public UUID connectionId;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, updatable = false)
    public Map<String, Object> detail;
}
