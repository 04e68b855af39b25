package dev.integrationhub.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

/** Reads rows as a person with database access would, bypassing the service. */
public final class DatabaseRows {

    private DatabaseRows() {
    }

    /** Asserts that rows exist where {@code keyColumn = key} and that no column of them contains a secret. */
    public static void assertNoPlaintext(DataSource dataSource, String table, String keyColumn, Object key,
            String... secrets) throws SQLException {
        try (Connection db = dataSource.getConnection();
                PreparedStatement query = db.prepareStatement("SELECT * FROM " + table + " WHERE " + keyColumn + " = ?")) {
            query.setObject(1, key);
            try (ResultSet rows = query.executeQuery()) {
                int count = 0;
                while (rows.next()) {
                    count++;
                    for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                        byte[] value = rows.getBytes(column);
                        String text = value == null ? "" : new String(value, StandardCharsets.ISO_8859_1);
                        assertThat(text).as(table + "." + rows.getMetaData().getColumnName(column)).doesNotContain(secrets);
                    }
                }
                assertThat(count).as("rows of " + table).isPositive();
            }
        }
    }

    /**
     * Changes exactly one row as a person with database access would, bypassing the service (to set up a state the
     * service would not write, or an attack on the stored data).
     */
    public static void updateOne(DataSource dataSource, String sql, Object... parameters) throws SQLException {
        try (Connection db = dataSource.getConnection(); PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            assertThat(statement.executeUpdate()).as(sql).isEqualTo(1);
        }
    }
}
