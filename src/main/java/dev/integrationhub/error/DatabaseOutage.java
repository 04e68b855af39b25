package dev.integrationhub.error;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells a database out of reach from a bug: the REST layer answers it with 503 {@code database_unavailable}
 * ({@link ProblemMappers}), and work that must not be dropped while the database restarts (a refreshed grant whose
 * provider has already rotated the refresh token) tries again instead of failing.
 */
public final class DatabaseOutage {

    private DatabaseOutage() {
    }

    /**
     * Whether a failure comes from the database being out of reach (down, restarting, or no pooled connection to
     * be had in time) rather than from a bug: an {@link SQLException} of SQLSTATE class 08 (connection
     * exception), 57P01-57P03 (shut down, or not accepting connections yet), or the pool's acquisition timeout.
     */
    public static boolean isCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.matches("57P0[123]"))) {
                    return true;
                }
                if (state == null && sql.getMessage() != null && sql.getMessage().contains("acquisition timeout")) {
                    return true;
                }
            }
        }
        return false;
    }
}
