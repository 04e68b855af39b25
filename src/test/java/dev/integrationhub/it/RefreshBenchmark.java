package dev.integrationhub.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.google.crypto.tink.KeysetHandle;

import dev.integrationhub.crypto.Keysets;
import dev.integrationhub.crypto.SecretCipher;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The refresh benchmark (run by {@code bench/refresh.sh}, not by the test suite): the packaged service with
 * its default refresh settings, a real PostgreSQL, and a fake token endpoint that answers every refresh after
 * a fixed latency and counts the calls per refresh token.
 *
 * <ol>
 * <li>throughput: N grants due at once; refreshes per second while draining them, against the limit
 * {@code max-concurrency / latency};</li>
 * <li>lag: M grants falling due evenly over one lead-time window (5 min); lag = refreshed − due, p50/p99;</li>
 * <li>double refreshes: refresh tokens the provider saw more than once (must be 0);</li>
 * <li>the due-scan's plan on a table of 1,000,000 rows.</li>
 * </ol>
 */
public final class RefreshBenchmark {

    private static final String DUE_SCAN = "SELECT * FROM integration_tokens WHERE status IN ('active', 'degraded')"
            + " AND refresh_due_at <= now() + interval '30 seconds' AND (refresh_failures = 0 OR refresh_due_at <= now())"
            + " AND (refresh_lease_until IS NULL OR refresh_lease_until <= now())"
            + " ORDER BY refresh_due_at LIMIT 200 FOR UPDATE SKIP LOCKED";

    private final Duration latency;
    private final SecretCipher cipher;
    private final KeysetHandle keyset = Keysets.generate();

    private RefreshBenchmark(Duration latency) {
        this.latency = latency;
        this.cipher = new SecretCipher(keyset);
    }

    public static void main(String[] args) throws Exception {
        int burst = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int window = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        Duration latency = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 100);
        Path report = Path.of(args.length > 3 ? args[3] : "bench/results/refresh.md");
        Duration windowLength = Duration.ofSeconds(args.length > 4 ? Long.parseLong(args[4]) : 300);
        new RefreshBenchmark(latency).run(burst, window, windowLength, report);
        System.exit(0);
    }

    private void run(int burst, int window, Duration windowLength, Path report) throws Exception {
        StringBuilder out = new StringBuilder();
        try (CountingTokenEndpoint provider = new CountingTokenEndpoint(latency);
                EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
                PackagedService service = PackagedService.start(
                        profiled(PackagedService.environment(postgres, keyset, provider.uri())))) {
            service.awaitReady(Duration.ofSeconds(120));
            int concurrency = 64;
            double limit = concurrency / (latency.toMillis() / 1000.0);
            out.append("Settings: defaults (interval 30 s, lead time 5 min, max-concurrency ").append(concurrency)
                    .append(", batch 200, lease 2 min); provider latency ").append(latency.toMillis())
                    .append(" ms, so the limit is ").append(String.format(Locale.ROOT, "%.0f", limit))
                    .append(" refreshes/s.\n\n");

            try (Connection db = postgres.getPostgresDatabase().getConnection()) {
                // 1. throughput
                GrantRows.insert(db, cipher, burst, i -> Instant.now().minusSeconds(1));
                GrantRows.awaitRefreshed(db, burst, Duration.ofMinutes(10));
                double seconds = (provider.lastCallNanos.get() - provider.firstCallNanos.get()) / 1e9;
                double rate = burst / seconds;
                out.append("## Throughput\n\n").append(burst).append(" grants due at once, drained in ")
                        .append(String.format(Locale.ROOT, "%.1f s: %.0f refreshes/s = %.0f %% of the limit", seconds, rate,
                                100 * rate / limit))
                        .append("; at most ").append(provider.maxInFlight.get()).append(" provider calls were in flight.\n\n");

                // 2. lag over one window
                Instant windowStart = Instant.now().plusSeconds(20);
                Map<UUID, Instant> due = GrantRows.insert(db, cipher, window,
                        i -> windowStart.plusMillis(windowLength.toMillis() * i / window));
                GrantRows.awaitRefreshed(db, burst + window, windowLength.plusMinutes(10));
                long[] lagsMillis = lags(db, due);
                Arrays.sort(lagsMillis);
                long late = Arrays.stream(lagsMillis).filter(l -> l > 0).count();
                out.append("## Lag\n\n").append(window).append(" grants falling due evenly over ").append(windowLength
                        .toSeconds()).append(" s. Lag = refreshed − due (negative: refreshed before due, which the"
                                + " one-interval look-ahead does):\n\n")
                        .append(String.format(Locale.ROOT, "| p50 | p99 | max | refreshed late |%n|---|---|---|---|%n"
                                + "| %.1f s | %.1f s | %.1f s | %d of %d |%n%n", percentile(lagsMillis, 0.50) / 1000.0,
                                percentile(lagsMillis, 0.99) / 1000.0, lagsMillis[lagsMillis.length - 1] / 1000.0, late,
                                window));

                // 3. double refreshes
                out.append("## Double refreshes\n\n").append(provider.doubleRefreshes()).append(" of ")
                        .append(provider.callsByRefreshToken.size())
                        .append(" refresh tokens were sent to the provider more than once.\n\n");

                // 4. the due-scan on 1,000,000 rows (the service stopped, so the filler's due rows stay due)
                service.close();
                fillTo(db, 1_000_000);
                out.append(
                        "## Due-scan on 1,000,000 rows\n\n1,000,000 rows: 10 % needs_reauth, 2 % due now, the rest due later."
                                + " The scan reads the index in due order and stops after the batch:\n\n```\n")
                        .append(explain(db)).append("```\n");
            }
        }
        Files.createDirectories(report.getParent());
        Files.writeString(report, out.toString());
        System.out.println(out);
    }

    /** BENCH_JAVA_OPTIONS, e.g. -XX:StartFlightRecording=filename=hub.jfr, profiles the service. */
    static Map<String, String> profiled(Map<String, String> environment) {
        String javaOptions = System.getenv("BENCH_JAVA_OPTIONS");
        if (javaOptions != null) {
            environment.put("JAVA_TOOL_OPTIONS", javaOptions);
        }
        return environment;
    }

    private static long[] lags(Connection db, Map<UUID, Instant> due) throws SQLException {
        List<Long> lags = new ArrayList<>();
        try (Statement query = db.createStatement();
                ResultSet rows = query.executeQuery("SELECT id, last_refreshed_at FROM integration_tokens"
                        + " WHERE last_refreshed_at IS NOT NULL")) {
            while (rows.next()) {
                Instant dueAt = due.get(rows.getObject(1, UUID.class));
                if (dueAt != null) {
                    lags.add(Duration.between(dueAt, rows.getTimestamp(2).toInstant()).toMillis());
                }
            }
        }
        return lags.stream().mapToLong(Long::longValue).toArray();
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static void fillTo(Connection db, int rows) throws SQLException {
        try (Statement fill = db.createStatement()) {
            fill.execute("INSERT INTO integration_tokens (id, user_id, integration_type, provider, account_subject,"
                    + " granted_scopes, status, access_token_ciphertext, refresh_token_ciphertext, token_expires_at,"
                    + " refresh_due_at, created_at, updated_at)"
                    + " SELECT gen_random_uuid(), 'filler-' || g, 'gmail', 'google', 'filler-' || g, '{}',"
                    + " CASE WHEN g % 10 = 0 THEN 'needs_reauth' ELSE 'active' END, '\\x00', '\\x00',"
                    + " now() + (g % 3600) * interval '1 second' + interval '1 hour',"
                    + " CASE WHEN g % 10 = 0 THEN NULL WHEN g % 50 = 1 THEN now() - (g % 600) * interval '1 second'"
                    + " ELSE now() + (g % 3600) * interval '1 second' + interval '55 minutes' END,"
                    + " now(), now() FROM generate_series(1, " + rows + " - (SELECT count(*) FROM integration_tokens)) g");
            fill.execute("ANALYZE integration_tokens");
        }
    }

    private static String explain(Connection db) throws SQLException {
        StringBuilder plan = new StringBuilder();
        db.setAutoCommit(false);
        try (Statement explain = db.createStatement();
                ResultSet rows = explain.executeQuery("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + DUE_SCAN)) {
            while (rows.next()) {
                plan.append(rows.getString(1)).append('\n');
            }
        }
        db.rollback();
        db.setAutoCommit(true);
        return plan.toString();
    }
}
