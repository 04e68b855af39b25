package dev.integrationhub.audit;

import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.quarkus.hibernate.orm.panache.PanacheRepository;

/** The audit trail. Entries are written in the caller's transaction, so they exist exactly when the change does. */
@ApplicationScoped
public class AuditLog implements PanacheRepository<AuditEntry> {

    private final InstantSource clock;

    AuditLog(InstantSource clock) {
        this.clock = clock;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String actor, String action, UUID connectionId, Map<String, Object> detail) {
        AuditEntry entry = new AuditEntry();
        entry.occurredAt = clock.instant();
        entry.actor = actor;
        entry.action = action;
        entry.connectionId = connectionId;
        entry.detail = Map.copyOf(detail);
        persist(entry);
    }
}
