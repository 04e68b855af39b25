package dev.integrationhub.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * An {@code INSERT} of any number of rows, to run in one statement with others: its SQL with {@code ?} parameters
 * and their values in order (a {@code String[]} is bound as a {@code text[]}, anything else as a string). The audit
 * trail and what keeps history beside it are written this way ({@link #runTogether}): one statement in its own
 * implicit transaction, where a transaction with a statement for each costs the database a begin, a commit and a
 * round trip each as well.
 *
 * @param sql an {@code INSERT} statement, without {@code RETURNING}
 */
public record RowsInsert(String sql, List<Object> parameters) {

    public RowsInsert {
        parameters = List.copyOf(parameters);
    }

    /**
     * Runs the inserts as one statement on a connection in autocommit mode (data-modifying {@code WITH} queries run
     * exactly once, all or none): every row is written, or none.
     */
    public static void runTogether(Connection connection, List<RowsInsert> inserts) throws SQLException {
        String sql = IntStream.range(0, inserts.size()).mapToObj(i -> "i" + i + " AS (" + inserts.get(i).sql() + ")")
                .collect(Collectors.joining(", ", "WITH ", " SELECT 1"));
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int index = 1;
            for (RowsInsert insert : inserts) {
                for (Object value : insert.parameters()) {
                    if (value instanceof String[] values) {
                        statement.setArray(index++, connection.createArrayOf("text", values));
                    } else {
                        statement.setString(index++, value == null ? null : value.toString());
                    }
                }
            }
            statement.execute();
        }
    }
}
