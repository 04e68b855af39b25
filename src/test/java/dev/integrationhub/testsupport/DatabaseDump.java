package dev.integrationhub.testsupport;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

/**
 * The whole content of the service's database as text, to show that requests changed nothing: every table of the
 * {@code public} schema, each row in PostgreSQL's own text form of the whole row (every column, {@code bytea} as
 * hex), rows in a fixed order. Two dumps are equal exactly when no row was added, removed or changed.
 */
public final class DatabaseDump {

    private static final Duration SETTLE_PAUSE = Duration.ofMillis(300);
    private static final int SETTLE_TRIES = 30;

    private DatabaseDump() {
    }

    /** Every table's rows, by table name. */
    public static Map<String, List<String>> of(DataSource dataSource) {
        try (Connection db = dataSource.getConnection(); Statement statement = db.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet names = statement.executeQuery("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name")) {
                while (names.next()) {
                    tables.add(names.getString(1));
                }
            }
            Map<String, List<String>> dump = new TreeMap<>();
            for (String table : tables) {
                List<String> rows = new ArrayList<>();
                try (ResultSet result = statement
                        .executeQuery("SELECT row_to_json(t)::text FROM public.\"" + table + "\" t ORDER BY 1")) {
                    while (result.next()) {
                        rows.add(result.getString(1));
                    }
                }
                dump.put(table, List.copyOf(rows));
            }
            return dump;
        } catch (SQLException e) {
            throw new IllegalStateException("The database could not be dumped", e);
        }
    }

    /**
     * A dump taken once the database is quiet: two dumps a moment apart are equal (work that requests of earlier
     * tests started in the background has finished).
     */
    public static Map<String, List<String>> settled(DataSource dataSource) {
        Map<String, List<String>> previous = of(dataSource);
        for (int i = 0; i < SETTLE_TRIES; i++) {
            sleep();
            Map<String, List<String>> current = of(dataSource);
            if (current.equals(previous)) {
                return current;
            }
            previous = current;
        }
        throw new IllegalStateException("The database did not settle within " + SETTLE_PAUSE.multipliedBy(SETTLE_TRIES));
    }

    private static void sleep() {
        try {
            Thread.sleep(SETTLE_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
