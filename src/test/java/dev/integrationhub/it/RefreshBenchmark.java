package dev.integrationhub.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <li>two replicas: a second packaged service on the same database, then N more grants due at once; their
 * combined rate against one replica's;</li>
 * <li>costs per refresh during both bursts: CPU of the service(s) and of PostgreSQL, and the database's writes
 * (commits, rows, WAL bytes), for a capacity model;</li>
 * <li>lag (skipped when M is 0): M grants falling due evenly over one lead-time window (5 min); lag = refreshed −
 * due, p50/p99;</li>
 * <li>double refreshes: refresh tokens the provider saw more than once (must be 0);</li>
 * <li>the due-scan's plan on a table of 1,000,000 rows.</li>
 * </ol>
 */
public final class RefreshBenchmark {

    private static final String DUE_SCAN = "SELECT * FROM integration_tokens WHERE status IN ('active', 'degraded')"
            + " AND refresh_due_at <= now() + interval '30 seconds' AND (refresh_failures = 0 OR refresh_due_at <= now())"
            + " AND (refresh_lease_until IS NULL OR refresh_lease_until <= now())"
            + " ORDER BY refresh_due_at LIMIT 200 FOR UPDATE SKIP LOCKED";
    /** {@code hub.refresh.interval}'s default: each replica starts a refresh run this often. */
    private static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final int MAX_CONCURRENCY = 64;
    private static final Duration IDLE_SAMPLE = Duration.ofSeconds(10);
    private static final String FIRST = "a";
    private static final String SECOND = "b";
    private static final Pattern REFRESH_TIMER = Pattern
            .compile("(?m)^hub_refresh_seconds_(count|sum)(?:\\{[^}]*\\})? (\\S+)$");

    /**
     * How long after a burst's last refresh its end is read: PostgreSQL 14 answers {@code pg_stat_database} from a
     * statistics file up to 500 ms old.
     */
    private static final Duration STATISTICS_DELAY = Duration.ofSeconds(1);

    /** What the services and PostgreSQL had used at one moment: CPU ticks (10 ms), and the WAL position. */
    private record Usage(long nanos, long serviceTicks, long postgresTicks, String walPosition) {
    }

    /** CPU milliseconds per second of the service and of PostgreSQL. */
    private record CpuRates(double serviceMillisPerSecond, double postgresMillisPerSecond) {
    }

    /** The hub database's counters in {@code pg_stat_database}, or a difference of them. */
    private record Writes(long commits, long inserted, long updated, long deleted) {

        Writes minus(Writes other) {
            return new Writes(commits - other.commits, inserted - other.inserted, updated - other.updated,
                    deleted - other.deleted);
        }
    }

    /** The services' {@code hub_refresh_seconds} timer: refreshes timed, and their total seconds. */
    private record RefreshTimes(long count, double seconds) {

        RefreshTimes minus(RefreshTimes other) {
            return new RefreshTimes(count - other.count, seconds - other.seconds);
        }
    }

    /**
     * One burst: the grants, how many replicas were running, the provider's calls, and what it cost.
     *
     * @param writes the database's writes during the burst, the harness's insert not counted
     * @param refreshTimes the services' own timing of the burst's refreshes: the provider call and recording its
     *        result, all of which a refresh holds one of the replica's {@code max-concurrency} call slots for
     */
    private record Burst(int grants, int replicas, List<CountingTokenEndpoint.Call> calls, Usage before, Usage after,
            long walBytes, Writes writes, RefreshTimes refreshTimes) {

        /** Seconds from the first call's start to the last call's answer. */
        double seconds() {
            return (lastEnded(calls) - firstBegan(calls)) / 1e9;
        }

        /** Refreshes per second from the first call's start to the last call's answer. */
        double rate() {
            return grants / seconds();
        }

        /** Provider calls in flight on average from the first call's start to the last call's answer. */
        double meanInFlight() {
            long busy = calls.stream().mapToLong(call -> call.endedNanos() - call.beganNanos()).sum();
            return busy / (seconds() * 1e9);
        }

        /** The services' mean time per refresh, in ms: how long a refresh holds a call slot. */
        double meanRefreshMillis() {
            return 1000 * refreshTimes.seconds() / refreshTimes.count();
        }

        List<CountingTokenEndpoint.Call> by(String replica) {
            return calls.stream().filter(call -> call.caller().equals(replica)).toList();
        }

        /**
         * Refreshes per second while every replica that took part was calling the provider: answers between the last
         * one's first call and the first one's last answer. The replicas' runs start at different moments (each every
         * interval from its own start), so one may drain part of a burst alone first.
         */
        double rateWhileAllRefreshing() {
            List<String> callers = calls.stream().map(CountingTokenEndpoint.Call::caller).distinct().toList();
            long from = callers.stream().mapToLong(caller -> firstBegan(by(caller))).max().orElseThrow();
            long to = callers.stream().mapToLong(caller -> lastEnded(by(caller))).min().orElseThrow();
            long answered = calls.stream().filter(call -> call.endedNanos() >= from && call.endedNanos() <= to).count();
            return to > from ? answered / ((to - from) / 1e9) : Double.NaN;
        }

        static long firstBegan(List<CountingTokenEndpoint.Call> calls) {
            return calls.stream().mapToLong(CountingTokenEndpoint.Call::beganNanos).min().orElseThrow();
        }

        static long lastEnded(List<CountingTokenEndpoint.Call> calls) {
            return calls.stream().mapToLong(CountingTokenEndpoint.Call::endedNanos).max().orElseThrow();
        }

        /** The most calls in flight at the provider at once. */
        static int maxInFlight(List<CountingTokenEndpoint.Call> calls) {
            long[] events = new long[calls.size() * 2];
            int i = 0;
            for (CountingTokenEndpoint.Call call : calls) {
                // a begin sorts after an end at the same nanosecond: the ended call no longer holds a slot
                events[i++] = call.beganNanos() * 2 + 1;
                events[i++] = call.endedNanos() * 2;
            }
            Arrays.sort(events);
            int inFlight = 0;
            int max = 0;
            for (long event : events) {
                inFlight += (event & 1) == 1 ? 1 : -1;
                max = Math.max(max, inFlight);
            }
            return max;
        }

        double perRefresh(long total) {
            return (double) total / grants;
        }
    }

    private final Duration latency;
    private final SecretCipher cipher;
    private final KeysetHandle keyset = Keysets.generate();
    private int refreshed;

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
        String loadBefore = loadAverage();
        // A data directory of our own: its postmaster.pid names the server whose processes' CPU is measured.
        Path postgresData = Files.createTempDirectory("hub-refresh-pg");
        try (CountingTokenEndpoint provider = new CountingTokenEndpoint(latency);
                EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(postgresData)
                        .setServerConfig("max_connections", "300").start();
                Connection db = postgres.getPostgresDatabase().getConnection()) {
            long postmaster = Long.parseLong(Files.readAllLines(postgresData.resolve("postmaster.pid")).getFirst());
            long firstStarted = System.nanoTime();
            PackagedService first = startReplica(postgres, provider, FIRST);
            try (first) {
                first.awaitReady(Duration.ofSeconds(120));
                double limit = MAX_CONCURRENCY / (latency.toMillis() / 1000.0);
                out.append("Settings: defaults (interval 30 s, lead time 5 min, max-concurrency ").append(MAX_CONCURRENCY)
                        .append(", batch 200, lease 2 min); provider latency ").append(latency.toMillis())
                        .append(" ms, so the limit is ").append(String.format(Locale.ROOT, "%.0f", limit))
                        .append(" refreshes/s for one replica. This machine: ")
                        .append(Runtime.getRuntime().availableProcessors())
                        .append(" cores, service, PostgreSQL, fake provider and harness all on it; load average ")
                        .append(loadBefore).append(" before the run.\n\n");

                // 1. throughput, one replica
                Burst one = burst(db, provider, List.of(first), burst, postmaster);
                out.append("## Throughput\n\n").append(burst).append(" grants due at once, drained in ")
                        .append(String.format(Locale.ROOT, "%.1f s: %.0f refreshes/s = %.0f %% of the limit",
                                one.seconds(), one.rate(), 100 * one.rate() / limit))
                        .append("; at most ").append(Burst.maxInFlight(one.calls()))
                        .append(" provider calls were in flight.\n\n").append(slots(one, latency));

                // 2. two replicas, and 3. what each burst cost
                CpuRates idle = idle(first, postmaster);
                awaitWholeIntervalsSince(firstStarted);
                try (PackagedService second = startReplica(postgres, provider, SECOND)) {
                    second.awaitReady(Duration.ofSeconds(120));
                    Burst two = burst(db, provider, List.of(first, second), burst, postmaster);
                    out.append(replicas(one, two, limit, provider.doubleRefreshes()));
                    out.append(costs(one, two, idle));
                }

                // 4. lag over one window, one replica again
                if (window > 0) {
                    Instant windowStart = Instant.now().plusSeconds(20);
                    Map<UUID, Instant> due = GrantRows.insert(db, cipher, window,
                            i -> windowStart.plusMillis(windowLength.toMillis() * i / window));
                    refreshed += window;
                    GrantRows.awaitRefreshed(db, refreshed, windowLength.plusMinutes(10));
                    long[] lagsMillis = lags(db, due);
                    Arrays.sort(lagsMillis);
                    long late = Arrays.stream(lagsMillis).filter(l -> l > 0).count();
                    out.append("## Lag\n\n").append(window).append(" grants falling due evenly over ")
                            .append(windowLength.toSeconds()).append(" s, one replica. Lag = refreshed − due (negative:"
                                    + " refreshed before due, which the one-interval look-ahead does):\n\n")
                            .append(String.format(Locale.ROOT, "| p50 | p99 | max | refreshed late |%n|---|---|---|---|%n"
                                    + "| %.1f s | %.1f s | %.1f s | %d of %d |%n%n", percentile(lagsMillis, 0.50) / 1000.0,
                                    percentile(lagsMillis, 0.99) / 1000.0, lagsMillis[lagsMillis.length - 1] / 1000.0,
                                    late, window));
                }

                // 5. double refreshes
                out.append("## Double refreshes\n\n").append(provider.doubleRefreshes()).append(" of ")
                        .append(provider.callsByRefreshToken.size())
                        .append(" refresh tokens (the whole run) were sent to the provider more than once.\n\n");
            }

            // 6. the due-scan on 1,000,000 rows (the service stopped, so the filler's due rows stay due)
            fillTo(db, 1_000_000);
            out.append("## Due-scan on 1,000,000 rows\n\n1,000,000 rows: 10 % needs_reauth, 2 % due now, the rest due"
                    + " later. The scan reads the index in due order and stops after the batch:\n\n```\n")
                    .append(explain(db)).append("```\n");
        }
        out.append("\nLoad average after the run: ").append(loadAverage()).append(".\n");
        Files.createDirectories(report.getParent());
        Files.writeString(report, out.toString());
        System.out.println(out);
    }

    /** A replica with default refresh settings, its provider calls logged as {@code name}'s. */
    private PackagedService startReplica(EmbeddedPostgres postgres, CountingTokenEndpoint provider, String name) {
        return PackagedService.start(profiled(PackagedService.environment(postgres, keyset, provider.uri(name))));
    }

    /**
     * Inserts {@code grants} grants due now and waits until they are refreshed. CPU and WAL are measured from the
     * insert's commit to the last refresh, so they include the wait for the replicas' next run (at most one
     * interval, at idle cost: see {@link #idle}). The database's counters are read before the insert instead, and the
     * insert (one commit, {@code grants} rows) taken off: PostgreSQL 14 hands a backend's counts over at most every
     * 500 ms, so the insert's may reach the statistics before or after its commit; either way they are in the
     * difference.
     */
    private Burst burst(Connection db, CountingTokenEndpoint provider, List<PackagedService> replicas, int grants,
            long postmaster) throws SQLException, InterruptedException, IOException {
        int callsBefore = provider.calls.size();
        RefreshTimes timesBefore = refreshTimes(replicas);
        Writes writesBefore = writes(db);
        GrantRows.insert(db, cipher, grants, i -> Instant.now().minusSeconds(1));
        Usage before = usage(db, replicas, postmaster);
        refreshed += grants;
        GrantRows.awaitRefreshed(db, refreshed, Duration.ofMinutes(10));
        Thread.sleep(STATISTICS_DELAY);
        Usage after = usage(db, replicas, postmaster);
        Writes insert = new Writes(1, grants, 0, 0);
        List<CountingTokenEndpoint.Call> calls = provider.calls.stream().skip(callsBefore).toList();
        return new Burst(grants, replicas.size(), calls, before, after,
                walBytes(db, before.walPosition(), after.walPosition()), writes(db).minus(writesBefore).minus(insert),
                refreshTimes(replicas).minus(timesBefore));
    }

    /** The replicas' {@code hub_refresh_seconds} count and sum, added up. */
    private static RefreshTimes refreshTimes(List<PackagedService> replicas) throws IOException, InterruptedException {
        long count = 0;
        double seconds = 0;
        for (PackagedService replica : replicas) {
            Matcher line = REFRESH_TIMER.matcher(replica.management("/q/metrics").body());
            while (line.find()) {
                if (line.group(1).equals("count")) {
                    count += (long) Double.parseDouble(line.group(2));
                } else {
                    seconds += Double.parseDouble(line.group(2));
                }
            }
        }
        return new RefreshTimes(count, seconds);
    }

    /**
     * CPU milliseconds per second of the warm replica and of PostgreSQL with nothing due (its refresh runs, metrics
     * sampling, pool upkeep): what a burst's figures include while it waits for the next run.
     */
    private static CpuRates idle(PackagedService replica, long postmaster) throws InterruptedException {
        long service = ProcessCpu.ticks(replica.pid());
        long postgres = ProcessCpu.ticksWithChildren(postmaster);
        Thread.sleep(IDLE_SAMPLE);
        double seconds = IDLE_SAMPLE.toMillis() / 1000.0;
        return new CpuRates((ProcessCpu.ticks(replica.pid()) - service) * 10 / seconds,
                (ProcessCpu.ticksWithChildren(postmaster) - postgres) * 10 / seconds);
    }

    /**
     * Waits until a whole number of intervals has passed since the first replica was started. A replica runs every
     * interval from its start, so a second one started now runs at about the moments the first does (as far as
     * their start-up times agree), and both take part in the next burst from its beginning.
     */
    private static void awaitWholeIntervalsSince(long startedNanos) throws InterruptedException {
        long interval = INTERVAL.toNanos();
        Thread.sleep(Duration.ofNanos(interval - (System.nanoTime() - startedNanos) % interval));
    }

    private static Usage usage(Connection db, List<PackagedService> replicas, long postmaster) throws SQLException {
        long serviceTicks = replicas.stream().mapToLong(replica -> ProcessCpu.ticks(replica.pid())).sum();
        long postgresTicks = ProcessCpu.ticksWithChildren(postmaster);
        try (Statement query = db.createStatement();
                ResultSet row = query.executeQuery("SELECT pg_current_wal_lsn()")) {
            row.next();
            return new Usage(System.nanoTime(), serviceTicks, postgresTicks, row.getString(1));
        }
    }

    private static Writes writes(Connection db) throws SQLException {
        try (Statement query = db.createStatement();
                ResultSet row = query.executeQuery("SELECT xact_commit, tup_inserted, tup_updated, tup_deleted"
                        + " FROM pg_stat_database WHERE datname = current_database()")) {
            row.next();
            return new Writes(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4));
        }
    }

    private static long walBytes(Connection db, String from, String to) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("SELECT pg_wal_lsn_diff(?::pg_lsn, ?::pg_lsn)")) {
            query.setString(1, to);
            query.setString(2, from);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static String replicas(Burst one, Burst two, double limit, long doubleRefreshes) {
        List<CountingTokenEndpoint.Call> first = two.by(FIRST);
        List<CountingTokenEndpoint.Call> second = two.by(SECOND);
        double whileBoth = two.rateWhileAllRefreshing();
        StringBuilder out = new StringBuilder("## Two replicas\n\nA second replica on the same database (same keyset,"
                + " same provider, default settings), started a whole number of intervals after the first so that their"
                + " refresh runs fall together; then ").append(two.grants()).append(" more grants due at once.\n\n");
        out.append("| | one replica | two replicas |\n|---|---|---|\n");
        out.append(String.format(Locale.ROOT, "| drained in (first call → last answer) | %.1f s | %.1f s |%n",
                one.seconds(), two.seconds()));
        out.append(String.format(Locale.ROOT, "| refreshes/s, whole burst | %.0f (%.0f %% of %.0f) | %.0f (%.0f %% of %.0f)"
                + " |%n", one.rate(), 100 * one.rate() / limit, limit, two.rate(), 50 * two.rate() / limit, 2 * limit));
        out.append(String.format(Locale.ROOT, "| refreshes/s while both replicas were calling | — | %.0f |%n", whileBoth));
        out.append(String.format(Locale.ROOT, "| **two ÷ one** (target ≥ 1.7) | | **%.2f** (whole burst %.2f) |%n",
                whileBoth / one.rate(), two.rate() / one.rate()));
        out.append(String.format(Locale.ROOT, "| refreshed by a / b | %d / — | %d / %d |%n", one.by(FIRST).size(),
                first.size(), second.size()));
        out.append("| b's first call after a's | | ").append(second.isEmpty() ? "b made no call: its run came after a had"
                + " drained the burst"
                : String.format(Locale.ROOT, "%.1f s", (Burst.firstBegan(second) - Burst.firstBegan(first)) / 1e9))
                .append(" |\n");
        out.append(String.format(Locale.ROOT, "| most provider calls in flight (a, b) | %d | %d (%d, %d) |%n",
                Burst.maxInFlight(one.calls()), Burst.maxInFlight(two.calls()), Burst.maxInFlight(first),
                Burst.maxInFlight(second)));
        out.append(String.format(Locale.ROOT, "| provider calls in flight, mean | %.1f | %.1f |%n", one.meanInFlight(),
                two.meanInFlight()));
        out.append(String.format(Locale.ROOT, "| service's mean refresh (call and recording) | %.0f ms | %.0f ms |%n",
                one.meanRefreshMillis(), two.meanRefreshMillis()));
        out.append("\nDouble refreshes so far (both bursts): ").append(doubleRefreshes).append(".\n\n");
        return out.toString();
    }

    /**
     * Where the replica's call slots went: a refresh holds its slot for the provider call only, so the calls in
     * flight at the provider fall short of {@code max-concurrency} only by the time a slot waits for its next claim.
     */
    private static String slots(Burst burst, Duration latency) {
        return String.format(Locale.ROOT, "Calls in flight at the provider on average: %.1f of %d (a refresh holds"
                + " its call slot for the provider call only). The service's mean refresh (`hub_refresh_seconds`:"
                + " provider call and recording the result): %.0f ms for a %d ms call.%n%n", burst.meanInFlight(),
                MAX_CONCURRENCY, burst.meanRefreshMillis(), latency.toMillis());
    }

    private static String costs(Burst one, Burst two, CpuRates idle) {
        StringBuilder out = new StringBuilder("## Costs per refresh\n\nMeasured from the burst's insert to 1 s after its"
                + " last refresh. CPU: user + system time from `/proc/<pid>/stat` (10 ms ticks) of the service JVM(s),"
                + " and of the postmaster with all its children (backends, background processes, and those that ended)"
                + " for PostgreSQL; CPU ms per refresh is also the cores needed per 1,000 refreshes/s. Database: deltas"
                + " of `pg_stat_database` for the hub's database (the harness's insert taken off), and WAL bytes"
                + " (`pg_wal_lsn_diff`).\n\n");
        out.append("| replicas | refreshes | measured over | of it before the first call | service CPU ms | PostgreSQL"
                + " CPU ms | commits | rows inserted | rows updated | rows deleted | WAL bytes |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Burst burst : List.of(one, two)) {
            Usage before = burst.before();
            Usage after = burst.after();
            out.append(String.format(Locale.ROOT, "| %d | %d | %.1f s | %.1f s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |"
                    + " %.0f |%n", burst.replicas(), burst.grants(), (after.nanos() - before.nanos()) / 1e9,
                    (Burst.firstBegan(burst.calls()) - before.nanos()) / 1e9,
                    burst.perRefresh(10 * (after.serviceTicks() - before.serviceTicks())),
                    burst.perRefresh(10 * (after.postgresTicks() - before.postgresTicks())),
                    burst.perRefresh(burst.writes().commits()), burst.perRefresh(burst.writes().inserted()),
                    burst.perRefresh(burst.writes().updated()), burst.perRefresh(burst.writes().deleted()),
                    burst.perRefresh(burst.walBytes())));
        }
        out.append(String.format(Locale.ROOT, "%nIdle, between the bursts (one warm replica, nothing due, %d s): service"
                + " %.1f CPU ms/s, PostgreSQL %.1f CPU ms/s; the figures above include that rate for the time before"
                + " the first call. The second replica is cold in its burst (its JIT still compiling). Commits include"
                + " the harness's progress query (twice a second); PostgreSQL 14 hands a backend's counts over at most"
                + " every 500 ms, so up to that much of each pooled connection's work at a burst's end can land in the"
                + " next burst's figures. The embedded PostgreSQL runs as zonky starts it, with fsync off"
                + " (`-F`) and `synchronous_commit=off`: commits cost less CPU and wait less than on a production"
                + " server; WAL bytes are the same.%n%n", IDLE_SAMPLE.toSeconds(), idle.serviceMillisPerSecond(),
                idle.postgresMillisPerSecond()));
        return out.toString();
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).strip();
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
