package dev.integrationhub.it;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;

import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.crypto.AssociatedData;
import dev.integrationhub.crypto.SecretCipher;

/**
 * Grants (Gmail unless told otherwise) written straight into the database the way the hub stores them, and their refresh
 * progress.
 */
final class GrantRows {

    private GrantRows() {
    }

    /**
     * Inserts {@code count} active grants in one transaction, with Tink ciphertext bound to each row.
     *
     * @param dueAt when the {@code i}-th grant falls due
     * @return each grant's due time, by id
     */
    static Map<UUID, Instant> insert(Connection db, SecretCipher cipher, int count, IntFunction<Instant> dueAt)
            throws SQLException {
        return insert(db, cipher, "gmail", CountingTokenEndpoint.SCOPES, count, dueAt);
    }

    /**
     * As {@link #insert(Connection, SecretCipher, int, IntFunction)}, for another integration: the {@code i}-th
     * grant belongs to user {@code user-i}, its access token expires 5 minutes after it falls due. Its tokens are
     * bound to the row and its owner ({@link GrantTokens#OWNER_BOUND}), as the service writes every row: a row bound
     * the pre-V6 way would be rewritten by each replica's re-encryption job, whose updates would then count in a
     * benchmark's figures.
     */
    static Map<UUID, Instant> insert(Connection db, SecretCipher cipher, String integrationType, List<String> scopes,
            int count, IntFunction<Instant> dueAt) throws SQLException {
        Map<UUID, Instant> due = new HashMap<>();
        db.setAutoCommit(false);
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO integration_tokens (id, user_id,"
                + " integration_type, provider, account_subject, account_email, granted_scopes, status,"
                + " access_token_ciphertext, refresh_token_ciphertext, token_expires_at, refresh_due_at, created_at,"
                + " updated_at, token_binding) VALUES (?, ?, ?, 'google', ?, ?, ?, 'active', ?, ?, ?, ?, now(), now(), "
                + GrantTokens.OWNER_BOUND + ")")) {
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                Instant refreshAt = dueAt.apply(i);
                due.put(id, refreshAt);
                String userId = "user-" + i;
                String accountSubject = "sub-" + id;
                List<String> owner = List.of(userId, "google", accountSubject);
                insert.setObject(1, id);
                insert.setString(2, userId);
                insert.setString(3, integrationType);
                insert.setString(4, accountSubject);
                insert.setString(5, "user" + i + "@example.com");
                insert.setArray(6, db.createArrayOf("text", scopes.toArray()));
                insert.setBytes(7, cipher.encryptString("ya29.initial-" + id,
                        new AssociatedData(GrantTokens.ACCESS_TOKEN, id, owner)));
                insert.setBytes(8, cipher.encryptString("1//refresh-" + id,
                        new AssociatedData(GrantTokens.REFRESH_TOKEN, id, owner)));
                insert.setTimestamp(9, Timestamp.from(refreshAt.plus(Duration.ofMinutes(5))));
                insert.setTimestamp(10, Timestamp.from(refreshAt));
                insert.addBatch();
                if (i % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        db.commit();
        db.setAutoCommit(true);
        return due;
    }

    /** Waits until at least {@code expected} grants have been refreshed. */
    static void awaitRefreshed(Connection db, int expected, Duration timeout) {
        await("all " + expected + " grants refreshed").atMost(timeout).pollInterval(Duration.ofMillis(500))
                .until(() -> refreshed(db), count -> count >= expected);
    }

    private static long refreshed(Connection db) throws SQLException {
        try (Statement query = db.createStatement();
                ResultSet count = query.executeQuery("SELECT count(*) FROM integration_tokens"
                        + " WHERE last_refreshed_at IS NOT NULL")) {
            count.next();
            return count.getLong(1);
        }
    }
}
