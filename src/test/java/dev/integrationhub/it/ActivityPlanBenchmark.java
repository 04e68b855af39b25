package dev.integrationhub.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.flywaydb.core.Flyway;

import dev.integrationhub.activity.service.ActivityRepository;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The plans of the activity's page queries on a large history: the hub's schema (its Flyway migrations) in an
 * embedded PostgreSQL, filled with {@code rows} entries, and {@code EXPLAIN (ANALYZE, BUFFERS)} of exactly the
 * statements {@link ActivityRepository} runs, first page and a deep page, beside an OFFSET page for contrast, and
 * a purge batch. Run by {@code bench/activity-plan.sh}; writes the report given as the second argument.
 */
public final class ActivityPlanBenchmark {

    private static final String WHALE = "user-whale";
    private static final int PAGE = 51;
    private static final Pattern EXECUTION = Pattern.compile("Execution Time: ([0-9.]+) ms");
    private static final Pattern BUFFERS = Pattern.compile("Buffers: shared (hit=([0-9]+))?( read=([0-9]+))?");

    private ActivityPlanBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path report = Path.of(args.length > 1 ? args[1] : "bench/results/activity-plan.md");
        run(rows, report);
        System.exit(0);
    }

    private record Measured(String name, String sql, String plan) {

        String row() {
            Matcher time = EXECUTION.matcher(plan);
            Matcher buffers = BUFFERS.matcher(plan);
            String pages = buffers.find() ? (nullToZero(buffers.group(2)) + nullToZero(buffers.group(4))) + "" : "?";
            return "| " + name + " | " + (time.find() ? time.group(1) + " ms" : "?") + " | " + pages + " |";
        }

        private static long nullToZero(String value) {
            return value == null ? 0 : Long.parseLong(value);
        }
    }

    private static void run(int rows, Path report) throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            Flyway.configure().dataSource(postgres.getPostgresDatabase())
                    .locations("filesystem:src/main/resources/db/migration").load().migrate();
            try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement sql = db.createStatement()) {
                int whaleRows = rows / 10;
                long started = System.nanoTime();
                fill(sql, rows - whaleRows, whaleRows);
                double fillSeconds = (System.nanoTime() - started) / 1e9;
                sql.execute("VACUUM ANALYZE connection_activity");
                String whaleConnection = single(sql, "SELECT connection_id FROM connection_activity WHERE user_id = '"
                        + WHALE + "' LIMIT 1");
                String deep = cursorAt(sql, "user_id = '" + WHALE + "'", whaleRows * 9 / 10);
                String deepOfConnection = cursorAt(sql, "connection_id = '" + whaleConnection + "'", whaleRows * 9 / 10);

                List<Measured> measured = new ArrayList<>();
                String whale = "'" + WHALE + "'";
                String connection = "'" + whaleConnection + "'::uuid";
                measured.add(explain(sql, "person, first page", bind(ActivityRepository.USER_FIRST_PAGE, whale, null)));
                measured.add(explain(sql, "person, page after entry " + whaleRows * 9 / 10,
                        bind(ActivityRepository.USER_NEXT_PAGE, whale, deep)));
                measured.add(explain(sql, "connection, first page",
                        bind(ActivityRepository.CONNECTION_FIRST_PAGE, connection, null)));
                measured.add(explain(sql, "connection, page after entry " + whaleRows * 9 / 10,
                        bind(ActivityRepository.CONNECTION_NEXT_PAGE, connection, deepOfConnection)));
                measured.add(explain(sql, "typical person (~" + (rows - whaleRows) / 10_000 + " entries), first page",
                        bind(ActivityRepository.USER_FIRST_PAGE, "'user-42'", null)));
                measured.add(explain(sql, "for contrast, not used: OFFSET " + whaleRows * 9 / 10,
                        "SELECT * FROM connection_activity WHERE user_id = " + whale
                                + " ORDER BY occurred_at DESC, id DESC OFFSET " + whaleRows * 9 / 10 + " LIMIT " + PAGE));
                db.setAutoCommit(false);
                measured.add(new Measured("purge batch (10,000 oldest; rolled back)", bind(ActivityRepository.PURGE),
                        explainText(sql, bind(ActivityRepository.PURGE))));
                db.rollback();
                db.setAutoCommit(true);

                String sizes = sizes(sql);
                StringBuilder out = new StringBuilder();
                out.append("# Activity page plans on ").append(String.format(Locale.ROOT, "%,d", rows))
                        .append(" entries\n\n")
                        .append("`bench/activity-plan.sh ").append(rows).append("`: the hub's migrations in an embedded ")
                        .append(single(sql, "SHOW server_version")).append(", ")
                        .append(String.format(Locale.ROOT, "%,d", rows - whaleRows))
                        .append(" entries over 10,000 people × 3 connections (times random over 90 days, inserted out"
                                + " of time order), plus one person with ")
                        .append(String.format(Locale.ROOT, "%,d", whaleRows))
                        .append(" entries on one connection; filled in ")
                        .append(String.format(Locale.ROOT, "%.0f s", fillSeconds))
                        .append(", then VACUUM ANALYZE. Pages of ").append(PAGE - 1)
                        .append(" (the service asks for one more to know whether another page follows).\n\n")
                        .append("| query | execution | buffers (8 KiB pages) |\n|---|---|---|\n");
                measured.forEach(m -> out.append(m.row()).append('\n'));
                out.append("\n").append(sizes).append("\n");
                for (Measured m : measured) {
                    out.append("## ").append(m.name()).append("\n\n```sql\n").append(m.sql()).append("\n```\n\n```\n")
                            .append(m.plan()).append("```\n\n");
                }
                Files.createDirectories(report.getParent());
                Files.writeString(report, out.toString());
                System.out.println(out);
            }
        }
    }

    private static void fill(Statement sql, int spread, int whaleRows) throws SQLException {
        sql.execute("CREATE TEMP TABLE bench_connections AS SELECT n, gen_random_uuid() AS id,"
                + " 'user-' || (n % 10000) AS user_id FROM generate_series(0, 29999) n");
        String kinds = "(ARRAY['token_handed_out', 'gmail_sent', 'drive_uploaded', 'telegram_sent', 'needs_reauth'])";
        sql.execute("INSERT INTO connection_activity (connection_id, user_id, occurred_at, kind, actor, details)"
                + " SELECT c.id, c.user_id, now() - random() * interval '90 days', " + kinds + "[1 + g % 5],"
                + " 'workflow-engine', jsonb_build_object('message_id', md5(g::text))"
                + " FROM generate_series(0, " + (spread - 1) + ") g JOIN bench_connections c ON c.n = g % 30000");
        sql.execute("INSERT INTO connection_activity (connection_id, user_id, occurred_at, kind, actor, details)"
                + " SELECT w.id, '" + WHALE + "', now() - random() * interval '90 days', " + kinds + "[1 + g % 5],"
                + " 'workflow-engine', jsonb_build_object('message_id', md5(g::text))"
                + " FROM generate_series(0, " + (whaleRows - 1) + ") g, (SELECT gen_random_uuid() AS id) w");
    }

    /** The (occurred_at, id) of the entry at this position, newest first: where a client paging on would be. */
    private static String cursorAt(Statement sql, String where, int position) throws SQLException {
        try (ResultSet row = sql.executeQuery("SELECT occurred_at, id FROM connection_activity WHERE " + where
                + " ORDER BY occurred_at DESC, id DESC OFFSET " + (position - 1) + " LIMIT 1")) {
            row.next();
            return "'" + row.getObject(1, OffsetDateTime.class) + "'::timestamptz|" + row.getLong(2);
        }
    }

    /** The repository's statement with literals for its parameters. */
    private static String bind(String statement, String owner, String cursor) {
        String bound = statement.replace(":owner", owner).replace(":limit", String.valueOf(PAGE));
        if (cursor != null) {
            String[] position = cursor.split("\\|");
            bound = bound.replace(":at", position[0]).replace(":id", position[1]);
        }
        return bound;
    }

    /** The purge with literals: entries older than 89 days (about 11,000 of them), a batch of 10,000. */
    private static String bind(String purge) {
        return purge.replace(":before", "now() - interval '89 days'").replace(":limit", "10000");
    }

    private static Measured explain(Statement sql, String name, String statement) throws SQLException {
        explainText(sql, statement); // warm: the figures are of a page read from a warm cache
        return new Measured(name, statement, explainText(sql, statement));
    }

    private static String explainText(Statement sql, String statement) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (ResultSet lines = sql.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + statement)) {
            while (lines.next()) {
                plan.append(lines.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    private static String sizes(Statement sql) throws SQLException {
        StringBuilder out = new StringBuilder("| relation | size |\n|---|---|\n");
        try (ResultSet rows = sql.executeQuery("SELECT relname, pg_size_pretty(pg_relation_size(oid)) FROM pg_class"
                + " WHERE relname LIKE 'connection_activity%' AND relkind IN ('r', 'i') ORDER BY relname")) {
            while (rows.next()) {
                out.append("| ").append(rows.getString(1)).append(" | ").append(rows.getString(2)).append(" |\n");
            }
        }
        return out.toString();
    }

    private static String single(Statement sql, String query) throws SQLException {
        try (ResultSet row = sql.executeQuery(query)) {
            row.next();
            return row.getString(1);
        }
    }
}
