package dev.integrationhub.connection.service;

import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import dev.integrationhub.audit.AuditLog;
import dev.integrationhub.auth.CurrentCaller.Caller;
import dev.integrationhub.connection.ConnectionFact;

/**
 * Records that a caller used a connection (handed out a token, sent a mail, uploaded a file): the audit entry and
 * the {@link ConnectionFact.Used} fact in one transaction of its own, since the use itself happened outside the
 * database. The features that act call this instead of the audit log, so neither can exist without the other.
 */
@ApplicationScoped
public class ConnectionUses {

    private final AuditLog audit;
    private final Event<ConnectionFact> facts;

    ConnectionUses(AuditLog audit, Event<ConnectionFact> facts) {
        this.audit = audit;
        this.facts = facts;
    }

    /**
     * @param action the audit action, e.g. {@code action.gmail_send}
     * @param detail the audit detail (a platform service's client is added)
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void record(Caller caller, UUID connectionId, String action, Map<String, Object> detail,
            ConnectionFact.Use use) {
        audit.record(caller.subject(), action, connectionId, caller.audited(detail));
        facts.fire(new ConnectionFact.Used(connectionId, caller, use));
    }
}
