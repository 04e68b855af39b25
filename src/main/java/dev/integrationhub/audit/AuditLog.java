package dev.integrationhub.audit;

import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The audit trail. Entries are written in the caller's transaction, so they exist exactly when the change does.
 * Append-only: it offers no way to change or remove an entry, so it is not a Panache repository.
 */
@ApplicationScoped
public class AuditLog {

    private final EntityManager entityManager;
    private final InstantSource clock;

    AuditLog(EntityManager entityManager, InstantSource clock) {
        this.entityManager = entityManager;
        this.clock = clock;
    }

    /** Records an entry in a transaction of its own: for what happened outside the database (a mail was sent). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void recordAlone(String actor, String action, UUID connectionId, Map<String, Object> detail) {
        record(actor, action, connectionId, detail);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String actor, String action, UUID connectionId, Map<String, Object> detail) {
        AuditEntry entry = new AuditEntry();
        entry.occurredAt = clock.instant();
        entry.actor = actor;
        entry.action = action;
        entry.connectionId = connectionId;
        entry.detail = Map.copyOf(detail);
        entityManager.persist(entry);
    }
}
