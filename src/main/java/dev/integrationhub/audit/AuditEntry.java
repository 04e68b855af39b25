package dev.integrationhub.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One line of the audit trail: who did what to which connection, and when. Never holds a secret. */
@Entity
@Table(name = "audit_log")
public class AuditEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
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
