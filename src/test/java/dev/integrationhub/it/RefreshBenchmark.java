package dev.integrationhub.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.google.crypto.tink.KeysetHandle;
import com.sun.net.httpserver.HttpServer;

import dev.integrationhub.testsupport.Tokens;
import dev.integrationhub.token.AssociatedData;
import dev.integrationhub.token.GrantTokens;
import dev.integrationhub.token.Keysets;
import dev.integrationhub.token.SecretCipher;
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

    private static final List<String> SCOPES = List.of("openid", "email", "https://www.googleapis.com/auth/gmail.send",
            "https://www.googleapis.com/auth/gmail.readonly");
    private static final String DUE_SCAN = "SELECT * FROM integration_tokens WHERE status IN ('active', 'degraded')"
            + " AND refresh_due_at <= now() + interval '30 seconds' AND (refresh_failures = 0 OR refresh_due_at <= now())"
            + " ORDER BY refresh_due_at LIMIT 200 FOR UPDATE SKIP LOCKED";

    private final Duration latency;
    private final Map<String, AtomicInteger> callsByRefreshToken = new ConcurrentHashMap<>();
    private final AtomicLong firstCallNanos = new AtomicLong();
    private final AtomicLong lastCallNanos = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
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
        HttpServer provider = fakeProvider();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
                PackagedService service = PackagedService.start(environment(postgres, provider))) {
            service.awaitReady(Duration.ofSeconds(120));
            int concurrency = 64;
            double limit = concurrency / (latency.toMillis() / 1000.0);
            out.append("Settings: defaults (interval 30 s, lead time 5 min, max-concurrency ").append(concurrency)
                    .append(", batch 200, lease 2 min); provider latency ").append(latency.toMillis())
                    .append(" ms, so the limit is ").append(String.format("%.0f", limit)).append(" refreshes/s.\n\n");

            try (Connection db = postgres.getPostgresDatabase().getConnection()) {
                // 1. throughput
                insertGrants(db, burst, i -> Instant.now().minusSeconds(1));
                awaitRefreshed(db, burst, Duration.ofMinutes(10));
                double seconds = (lastCallNanos.get() - firstCallNanos.get()) / 1e9;
                double rate = burst / seconds;
                out.append("## Throughput\n\n").append(burst).append(" grants due at once, drained in ")
                        .append(String.format("%.1f s: %.0f refreshes/s = %.0f %% of the limit", seconds, rate,
                                100 * rate / limit))
                        .append("; at most ").append(maxInFlight.get()).append(" provider calls were in flight.\n\n");

                // 2. lag over one window
                Instant windowStart = Instant.now().plusSeconds(20);
                Map<UUID, Instant> due = insertGrants(db, window,
                        i -> windowStart.plusMillis(windowLength.toMillis() * i / window));
                awaitRefreshed(db, burst + window, windowLength.plusMinutes(10));
                long[] lagsMillis = lags(db, due);
                Arrays.sort(lagsMillis);
                long late = Arrays.stream(lagsMillis).filter(l -> l > 0).count();
                out.append("## Lag\n\n").append(window).append(" grants falling due evenly over ").append(windowLength
                        .toSeconds()).append(" s. Lag = refreshed − due (negative: refreshed before due, which the"
                                + " one-interval look-ahead does):\n\n")
                        .append(String.format("| p50 | p99 | max | refreshed late |%n|---|---|---|---|%n"
                                + "| %.1f s | %.1f s | %.1f s | %d of %d |%n%n", percentile(lagsMillis, 0.50) / 1000.0,
                                percentile(lagsMillis, 0.99) / 1000.0, lagsMillis[lagsMillis.length - 1] / 1000.0, late,
                                window));

                // 3. double refreshes
                long doubles = callsByRefreshToken.values().stream().filter(c -> c.get() > 1).count();
                out.append("## Double refreshes\n\n").append(doubles).append(" of ").append(callsByRefreshToken.size())
                        .append(" refresh tokens were sent to the provider more than once.\n\n");

                // 4. the due-scan on 1,000,000 rows (the service stopped, so the filler's due rows stay due)
                service.close();
                fillTo(db, 1_000_000);
                out.append(
                        "## Due-scan on 1,000,000 rows\n\n1,000,000 rows: 10 % needs_reauth, 2 % due now, the rest due later."
                                + " The scan reads the index in due order and stops after the batch:\n\n```\n")
                        .append(explain(db)).append("```\n");
            }
        } finally {
            provider.stop(0);
        }
        Files.createDirectories(report.getParent());
        Files.writeString(report, out.toString());
        System.out.println(out);
    }

    private HttpServer fakeProvider() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/token", exchange -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try (InputStream body = exchange.getRequestBody()) {
                Map<String, String> form = new HashMap<>();
                for (String pair : new String(body.readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                    String[] kv = pair.split("=", 2);
                    form.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
                }
                callsByRefreshToken.computeIfAbsent(form.getOrDefault("refresh_token", ""), k -> new AtomicInteger())
                        .incrementAndGet();
                firstCallNanos.compareAndSet(0, System.nanoTime());
                Thread.sleep(latency);
                byte[] answer = ("{\"access_token\":\"ya29.bench-" + UUID.randomUUID() + "\",\"expires_in\":3599,"
                        + "\"token_type\":\"Bearer\",\"scope\":\"" + String.join(" ", SCOPES) + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lastCallNanos.set(System.nanoTime());
                inFlight.decrementAndGet();
                exchange.close();
            }
        });
        server.start();
        return server;
    }

    private Map<String, String> environment(EmbeddedPostgres postgres, HttpServer provider) {
        KeyPair identityProvider = Tokens.newRsaKeyPair();
        Map<String, String> environment = new HashMap<>();
        environment.put("HUB_PUBLIC_URL", "https://hub.example.com");
        environment.put("HUB_FRONTEND_URL", "https://app.example.com");
        environment.put("HUB_CRYPTO_KEYSET", Keysets.toJson(keyset));
        environment.put("HUB_PROVIDERS_GOOGLE_CLIENT_ID", "bench-client");
        environment.put("HUB_PROVIDERS_GOOGLE_CLIENT_SECRET", "bench-secret");
        environment.put("HUB_PROVIDERS_GOOGLE_TOKEN_URI",
                "http://127.0.0.1:" + provider.getAddress().getPort() + "/token");
        environment.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.getJdbcUrl("postgres", "postgres"));
        environment.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        environment.put("QUARKUS_DATASOURCE_PASSWORD", "unused");
        // BENCH_JAVA_OPTIONS, e.g. -XX:StartFlightRecording=filename=hub.jfr, profiles the service.
        String javaOptions = System.getenv("BENCH_JAVA_OPTIONS");
        if (javaOptions != null) {
            environment.put("JAVA_TOOL_OPTIONS", javaOptions);
        }
        environment.put("QUARKUS_OIDC_PUBLIC_KEY",
                Base64.getEncoder().encodeToString(identityProvider.getPublic().getEncoded()));
        return environment;
    }

    interface DueAt {
        Instant of(int index);
    }

    /** Inserts grants as the hub stores them (ciphertext bound to each row), in one transaction. */
    private Map<UUID, Instant> insertGrants(Connection db, int count, DueAt dueAt) throws SQLException {
        Map<UUID, Instant> due = new HashMap<>();
        db.setAutoCommit(false);
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO integration_tokens (id, user_id,"
                + " integration_type, provider, account_subject, account_email, granted_scopes, status,"
                + " access_token_ciphertext, refresh_token_ciphertext, token_expires_at, refresh_due_at, created_at,"
                + " updated_at) VALUES (?, ?, 'gmail', 'google', ?, ?, ?, 'active', ?, ?, ?, ?, now(), now())")) {
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                Instant refreshAt = dueAt.of(i);
                due.put(id, refreshAt);
                insert.setObject(1, id);
                insert.setString(2, "bench-user-" + i);
                insert.setString(3, "bench-sub-" + id);
                insert.setString(4, "user" + i + "@bench.example");
                insert.setArray(5, db.createArrayOf("text", SCOPES.toArray()));
                insert.setBytes(6,
                        cipher.encryptString("ya29.initial-" + id, new AssociatedData(GrantTokens.ACCESS_TOKEN, id)));
                insert.setBytes(7, cipher.encryptString("1//bench-" + id, new AssociatedData(GrantTokens.REFRESH_TOKEN, id)));
                insert.setTimestamp(8, Timestamp.from(refreshAt.plus(Duration.ofMinutes(5))));
                insert.setTimestamp(9, Timestamp.from(refreshAt));
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

    private static void awaitRefreshed(Connection db, int expected, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try (Statement query = db.createStatement();
                    ResultSet count = query.executeQuery("SELECT count(*) FROM integration_tokens"
                            + " WHERE last_refreshed_at IS NOT NULL")) {
                count.next();
                if (count.getLong(1) >= expected) {
                    return;
                }
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("not all grants were refreshed within " + timeout);
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
