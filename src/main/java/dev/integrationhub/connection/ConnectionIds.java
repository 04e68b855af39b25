package dev.integrationhub.connection;

import java.util.UUID;

import dev.integrationhub.error.ProblemException;

/** Connection ids in paths: UUIDs; anything else is the caller's mistake (400), not an absent resource (404). */
public final class ConnectionIds {

    private ConnectionIds() {
    }

    public static UUID parse(String id) {
        if (id != null && id.length() == 36) {
            try {
                return UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                // not a UUID: answered below
            }
        }
        throw ProblemException.badRequest("invalid_connection_id", "A connection id is a UUID.");
    }
}
