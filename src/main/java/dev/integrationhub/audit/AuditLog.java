package dev.integrationhub.audit;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The audit trail. Entries are written in the caller's transaction, so they exist exactly when the change does.
 * Append-only: it offers no way to change or remove an entry, so it is not a Panache repository.
 */
@ApplicationScoped
public class AuditLog {

    /**
     * Any number of entries in one insert, one array per column: PostgreSQL plans and runs one insert instead of
     * one per entry (each also checking the row anew), which was most of the database's work per token hand-out.
     */
    private static final String INSERT_ALL = "INSERT INTO audit_log (occurred_at, actor, action, connection_id, detail)"
            + " SELECT CAST(? AS timestamptz), actor, action, CAST(connection_id AS uuid), CAST(detail AS jsonb)"
            + " FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))"
            + " AS entry(actor, action, connection_id, detail)";

    /** An entry to record with others ({@link #insertOf}). */
    public record Entry(String actor, String action, UUID connectionId, Map<String, Object> detail) {
    }

    private final EntityManager entityManager;
    private final InstantSource clock;
    private final ObjectMapper json;

    AuditLog(EntityManager entityManager, InstantSource clock, ObjectMapper json) {
        this.entityManager = entityManager;
        this.clock = clock;
        this.json = json;
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

    /**
     * The insert of entries all made now, for one statement with others ({@link RowsInsert#runTogether}): for many
     * uses recorded together.
     *
     * @throws IllegalArgumentException a detail has no JSON form
     */
    public RowsInsert insertOf(List<Entry> entries) {
        String[] actors = new String[entries.size()];
        String[] actions = new String[entries.size()];
        String[] connections = new String[entries.size()];
        String[] details = new String[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            actors[i] = entry.actor();
            actions[i] = entry.action();
            connections[i] = entry.connectionId() == null ? null : entry.connectionId().toString();
            details[i] = toJson(entry.detail());
        }
        return new RowsInsert(INSERT_ALL, List.of(clock.instant().toString(), actors, actions, connections, details));
    }

    private String toJson(Map<String, Object> detail) {
        try {
            return json.writeValueAsString(detail);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("an audit detail has no JSON form", e);
        }
    }
}
