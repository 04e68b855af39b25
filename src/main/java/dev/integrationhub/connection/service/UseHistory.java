package dev.integrationhub.connection.service;

import java.util.List;

import dev.integrationhub.audit.RowsInsert;
import dev.integrationhub.connection.ConnectionFact;

/**
 * Keeps the history of a connection's uses beside the audit trail (the activity its owner sees). An interface this
 * package owns, so that {@link ConnectionUses} writes the uses' history in the same statement as their audit
 * entries without knowing who keeps it.
 */
public interface UseHistory {

    /**
     * The insert of the history rows of uses recorded together (none for a use whose connection is gone).
     *
     * @throws IllegalArgumentException a use's detail has no form to store
     */
    RowsInsert insertOf(List<ConnectionFact.Used> uses);
}
