package dev.integrationhub.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

import com.google.crypto.tink.KeysetHandle;

import dev.integrationhub.crypto.Keysets;
import dev.integrationhub.crypto.SecretCipher;
import dev.integrationhub.testsupport.FreePorts;
import dev.integrationhub.testsupport.Tokens;
import io.smallrye.jwt.build.Jwt;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The fault benchmark (run by {@code bench/faults.sh}, not by the test suite): two packaged replicas on one
 * PostgreSQL, a strict provider that rotates refresh tokens and kills a grant whose retired refresh token comes back
 * ({@link RotatingTokenEndpoint}), access tokens short-lived enough that refreshes never stop, a webhook receiver
 * ({@link WebhookReceiver}), and callers asking both replicas for access tokens all along. Then, one after another
 * with a settle period between: a replica SIGKILLed mid-refresh, PostgreSQL restarted, the provider answering 500,
 * the webhook receiver down. For each it reports what the issue asks to stay at zero (grants lost, double
 * refreshes, {@code invalid_grant}, events lost or out of order, callers' 500s) and what shows the service coping
 * (calls in flight against {@code max-concurrency}, readiness, degraded and recovered grants, takeover time).
 */
public final class FaultsBenchmark {

    private static final int MAX_CONCURRENCY = 4;
    private static final Duration LATENCY = Duration.ofMillis(150);
    private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(90);
    private static final Duration LEAD_TIME = Duration.ofSeconds(70);
    private static final Duration LEASE = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofSeconds(10);
    /** Longer than the connection pool waits for a connection (5 s), which alone rides out a quick restart. */
    private static final Duration DATABASE_DOWN = Duration.ofSeconds(8);
    private static final int CALLERS = 3;
    private static final String CLIENT = "workflow-engine";
    private static final String[] NAMES = { "a", "b" };

    /** One caller request's outcome. */
    private record Call(long nanos, int replica, int status, boolean problemWithRetryAfter) {
    }

    /** One row of the report. */
    private record Row(String fault, long grantsLost, long doubleRefreshes, long invalidGrants, String maxInFlight,
            String events, long caller500s, long caller503s, String notes) {
    }

    private final int phaseSeconds;
    private final int grantCount;
    private final KeysetHandle keyset = Keysets.generate();
    private final KeyPair identityProvider = Tokens.newRsaKeyPair();
    private final String webhookSecret = "bench-" + UUID.randomUUID();
    private final PackagedService[] replicas = new PackagedService[2];
    private final List<PackagedService> started = new ArrayList<>();
    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Row> rows = new ArrayList<>();
    private volatile EmbeddedPostgres postgres;
    private volatile boolean calling = true;
    private RotatingTokenEndpoint provider;
    private WebhookReceiver receiver;
    private List<UUID> grants;
    private String bearer;
    private double baselineRate;

    private FaultsBenchmark(int phaseSeconds, int grantCount) {
        this.phaseSeconds = phaseSeconds;
        this.grantCount = grantCount;
    }

    public static void main(String[] args) throws Exception {
        int phaseSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int grants = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path report = Path.of(args.length > 2 ? args[2] : "bench/results/faults.md");
        new FaultsBenchmark(phaseSeconds, grants).run(report);
        System.exit(0);
    }

    private void run(Path report) throws Exception {
        Path data = Files.createTempDirectory("hub-faults-pg");
        int pgPort = FreePorts.pick();
        postgres = PostgresOnDisk.start(data, pgPort);
        provider = new RotatingTokenEndpoint(LATENCY, TOKEN_LIFETIME);
        receiver = new WebhookReceiver(webhookSecret);
        bearer = "Bearer " + Jwt.issuer("https://identity.bench.invalid").subject(CLIENT).claim("azp", CLIENT)
                .groups("integration-hub-token-reader").audience(PackagedService.AUDIENCE)
                .expiresIn(Duration.ofHours(3)).sign(identityProvider.getPrivate());
        List<Thread> callers = new ArrayList<>();
        String out;
        try {
            for (int i = 0; i < 2; i++) {
                replicas[i] = startReplica(i);
            }
            for (PackagedService replica : replicas) {
                replica.awaitReady(Duration.ofSeconds(120));
            }
            try (Connection db = db()) {
                Instant now = Instant.now();
                grants = List.copyOf(GrantRows.insert(db, new SecretCipher(keyset), grantCount,
                        i -> now.plusMillis(20_000L * i / grantCount)).keySet());
            }
            for (int i = 0; i < CALLERS; i++) {
                callers.add(Thread.ofPlatform().name("caller-" + i).start(this::callLoop));
            }
            baseline();
            killOneReplica();
            restartDatabase(data, pgPort);
            providerOutage();
            webhookReceiverDown();
            out = report();
        } finally {
            calling = false;
            for (Thread caller : callers) {
                caller.join(30_000);
            }
            Path logs = Files.createDirectories(Path.of("target/faults-bench"));
            for (int i = 0; i < started.size(); i++) {
                Files.writeString(logs.resolve("replica-" + i + ".log"), started.get(i).output());
                started.get(i).close();
            }
            provider.close();
            receiver.close();
            postgres.close();
            PostgresOnDisk.delete(data);
        }
        Files.createDirectories(report.getParent());
        Files.writeString(report, out);
        System.out.println(out);
    }

    private PackagedService startReplica(int index) {
        Map<String, String> environment = PackagedService.environment(postgres, keyset, provider.uri(NAMES[index]),
                identityProvider.getPublic());
        environment.put("HUB_REFRESH_INTERVAL", "2s");
        environment.put("HUB_REFRESH_LEAD_TIME", LEAD_TIME.toSeconds() + "s");
        environment.put("HUB_REFRESH_LEASE", LEASE.toSeconds() + "s");
        environment.put("HUB_REFRESH_MAX_CONCURRENCY", String.valueOf(MAX_CONCURRENCY));
        environment.put("HUB_REFRESH_BATCH_SIZE", "20");
        environment.put("HUB_REFRESH_DEGRADED_AFTER", "2");
        environment.put("HUB_REFRESH_INITIAL_BACKOFF", "1s");
        environment.put("HUB_REFRESH_MAX_BACKOFF", "8s");
        environment.put("HUB_PROVIDER_CALLS_TIMEOUT", "3s");
        environment.put("HUB_WEBHOOKS_URL", receiver.uri());
        environment.put("HUB_WEBHOOKS_SECRET", webhookSecret);
        environment.put("HUB_OUTBOX_INTERVAL", "1s");
        environment.put("HUB_OUTBOX_INITIAL_BACKOFF", "1s");
        environment.put("HUB_OUTBOX_MAX_BACKOFF", "5s");
        environment.put("HUB_OUTBOX_MAX_ATTEMPTS", "100");
        environment.put("HUB_INTERNAL_ALLOWED_CLIENTS", CLIENT);
        PackagedService service = PackagedService.start(RefreshBenchmark.profiled(environment));
        started.add(service);
        return service;
    }

    /** Asks the live replicas in turn for a random grant's access token until the run ends. */
    private void callLoop() {
        int turn = 0;
        while (calling) {
            int index = turn++ % 2;
            PackagedService replica = replicas[index];
            if (replica == null) {
                continue;
            }
            UUID id = grants.get(ThreadLocalRandom.current().nextInt(grants.size()));
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port
                    + "/api/internal/connections/" + id + "/access-token")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", bearer).POST(HttpRequest.BodyPublishers.noBody()).build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                boolean problem = response.headers().firstValue("Content-Type")
                        .filter(type -> type.startsWith("application/problem+json")).isPresent()
                        && response.headers().firstValue("Retry-After").isPresent();
                calls.add(new Call(System.nanoTime(), index, response.statusCode(), problem));
            } catch (IOException e) {
                calls.add(new Call(System.nanoTime(), index, -1, false));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pause(Duration.ofMillis(20));
        }
    }

    private void baseline() throws Exception {
        Phase phase = begin();
        pause(Duration.ofSeconds(phaseSeconds));
        baselineRate = phase.rate();
        finish(phase, "none (baseline)", String.format(Locale.ROOT, "%.1f refreshes/s", baselineRate));
    }

    /** SIGKILL replica a while it has provider calls in flight; b takes its leases over once they expire. */
    private void killOneReplica() throws Exception {
        Phase phase = begin();
        boolean midCall = awaitCondition(Duration.ofSeconds(30), () -> provider.inFlight("a") > 0);
        int inFlightAtKill = provider.inFlight("a");
        PackagedService victim = replicas[0];
        replicas[0] = null;
        victim.kill();
        Instant killedAt = Instant.now();
        List<UUID> leased = leasedGrants();
        boolean takenOver = awaitCondition(Duration.ofSeconds(phaseSeconds + 60L),
                () -> refreshedOrDeadSince(leased, killedAt));
        double takeover = Duration.between(killedAt, Instant.now()).toMillis() / 1000.0;
        pauseUntil(killedAt.plusSeconds(phaseSeconds));
        PackagedService restarted = startReplica(0);
        restarted.awaitReady(Duration.ofSeconds(120));
        replicas[0] = restarted;
        pause(SETTLE);
        long lost = count("status = 'needs_reauth'") - phase.lost;
        finish(phase, "SIGKILL replica a mid-refresh, restarted after " + phaseSeconds + " s",
                (midCall ? inFlightAtKill + " provider call(s) of a in flight at the kill" : "no call of a in flight")
                        + "; " + leased.size() + " grants under lease at the kill "
                        + (takenOver ? String.format(Locale.ROOT, "all refreshed again (or dead) %.1f s after it", takeover)
                                : "NOT all refreshed again")
                        + " (lease " + LEASE.toSeconds() + " s); " + lost + " grants lost, "
                        + Math.max(0, lost - inFlightAtKill) + " of them beyond the calls in flight at the kill (each of"
                        + " those is lost by construction: the provider retired its refresh token, and the only copy of"
                        + " the new one died with the process)");
    }

    /**
     * Stops PostgreSQL while refreshes are in flight at the provider (their answers are held until it is down) and
     * starts it again on the same files and port after {@link #DATABASE_DOWN}; the replicas are not restarted.
     */
    private void restartDatabase(Path data, int pgPort) throws Exception {
        Phase phase = begin();
        provider.hold();
        awaitCondition(Duration.ofSeconds(10), () -> provider.inFlight() > 0);
        int held = provider.inFlight();
        Instant down = Instant.now();
        postgres.close();
        provider.release();
        boolean readinessDown = awaitCondition(Duration.ofSeconds(30), () -> allReadiness(503));
        double downAfter = Duration.between(down, Instant.now()).toMillis() / 1000.0;
        pauseUntil(down.plus(DATABASE_DOWN));
        postgres = PostgresOnDisk.start(data, pgPort);
        Instant back = Instant.now();
        boolean readinessUp = awaitCondition(Duration.ofSeconds(60), () -> allReadiness(200));
        double upAfter = Duration.between(back, Instant.now()).toMillis() / 1000.0;
        long upNanos = System.nanoTime();
        pause(Duration.ofSeconds(2));
        List<Call> firstAfter = calls.stream().filter(call -> call.nanos() >= upNanos).toList();
        long firstFailed = firstAfter.stream().filter(call -> call.status() != 200 && call.status() != 409).count();
        pauseUntil(down.plusSeconds(phaseSeconds));
        pause(SETTLE);
        long without = phaseCalls(phase).stream().filter(call -> call.status() == 503 && !call.problemWithRetryAfter())
                .count();
        finish(phase, "PostgreSQL stopped with " + held + " refreshes in flight, started again " + Duration.between(
                down, back).toSeconds() + " s later",
                "readiness DOWN on both: " + (readinessDown ? String.format(Locale.ROOT, "yes, %.1f s after the stop",
                        downAfter) : "NO")
                        + "; UP on both: " + (readinessUp ? String.format(Locale.ROOT, "yes, %.1f s after the start",
                                upAfter) : "NO")
                        + "; " + firstFailed + " of " + firstAfter.size()
                        + " caller requests in the 2 s after UP failed; 503s without problem+json and Retry-After: "
                        + without);
    }

    /** The provider answers 500 for a phase, then recovers. */
    private void providerOutage() throws Exception {
        Phase phase = begin();
        provider.outage(true);
        Instant start = Instant.now();
        long maxDegraded = 0;
        while (Instant.now().isBefore(start.plusSeconds(phaseSeconds))) {
            maxDegraded = Math.max(maxDegraded, count("status = 'degraded'"));
            pause(Duration.ofSeconds(1));
        }
        long outageCalls = provider.counts("a").calls.get() + provider.counts("b").calls.get();
        provider.outage(false);
        Instant end = Instant.now();
        awaitCondition(Duration.ofSeconds(60), () -> count("status = 'degraded'") == 0);
        double recovered = Duration.between(end, Instant.now()).toMillis() / 1000.0;
        pause(SETTLE);
        long recoveredEvents = receiver.deliveries().stream()
                .filter(d -> d.type().equals("connection.recovered") && d.arrivedNanos() >= phase.startNanos)
                .map(WebhookReceiver.Delivery::eventId).distinct().count();
        finish(phase, "provider answers 500 for " + phaseSeconds + " s, then recovers",
                String.format(Locale.ROOT, "provider calls %.1f/s during the outage (%.1f/s in the baseline);"
                        + " up to %d grants degraded at once, none left degraded %.1f s after the recovery;"
                        + " %d connection.recovered events", outageCalls / (double) phaseSeconds, baselineRate, maxDegraded,
                        recovered, recoveredEvents));
    }

    /**
     * The webhook receiver refuses connections for a phase (longer if the outages below need it); meanwhile two short
     * provider outages one refresh cycle apart degrade grants, many of them twice, and their recoveries write
     * {@code connection.recovered} events that must wait for the receiver and then arrive in order.
     */
    private void webhookReceiverDown() throws Exception {
        Phase phase = begin();
        receiver.down();
        Instant down = Instant.now();
        pause(Duration.ofSeconds(1));
        long target = Math.max(1, grantCount / 10);
        Duration bound = Duration.ofSeconds(Math.max(3, phaseSeconds / 4));
        for (int blip = 0; blip < 2; blip++) {
            if (blip == 1) {
                // the grants that just recovered fall due again one refresh cycle later: hit them again
                pause(TOKEN_LIFETIME.minus(LEAD_TIME).minusSeconds(4));
            }
            provider.outage(true);
            awaitCondition(bound, () -> count("status = 'degraded'") >= target);
            provider.outage(false);
            awaitCondition(bound, () -> count("status = 'degraded'") == 0);
        }
        pauseUntil(down.plusSeconds(phaseSeconds));
        long waiting = countIn("outbox", "kind = 'webhook' AND done_at IS NULL");
        receiver.up();
        double downFor = Duration.between(down, Instant.now()).toMillis() / 1000.0;
        pause(SETTLE);
        long several = countIn("(SELECT connection_id FROM outbox WHERE kind = 'webhook' AND created_at >= '"
                + phase.start + "' GROUP BY connection_id HAVING count(*) > 1) AS c", "1 = 1");
        finish(phase, "webhook receiver refuses connections for " + phaseSeconds + " s or more",
                String.format(Locale.ROOT, "%d events were waiting when it came back after %.1f s (two provider"
                        + " outages inside the phase degraded grants; their recoveries wrote them); %d connections had two or"
                        + " more events in the phase, whose order is checked", waiting, downFor, several));
    }

    /** What a phase measures from: counters now, and when. */
    private final class Phase {
        final long startNanos = System.nanoTime();
        final Instant start = Instant.now();
        final long reuses = provider.reuses.get();
        final long invalidGrants = provider.invalidGrants.get();
        final long rotations = provider.rotations.get();
        final long lost;

        Phase() throws SQLException {
            provider.resetPeriod();
            lost = count("status = 'needs_reauth'");
        }

        /** Refreshes per second so far in this phase. */
        double rate() {
            return (provider.rotations.get() - rotations) / ((System.nanoTime() - startNanos) / 1e9);
        }
    }

    private Phase begin() throws SQLException {
        return new Phase();
    }

    private void finish(Phase phase, String fault, String notes) throws Exception {
        awaitCondition(Duration.ofSeconds(30), () -> countIn("outbox", "kind = 'webhook' AND done_at IS NULL") == 0);
        String events = events(phase);
        List<Call> phaseCalls = phaseCalls(phase);
        long caller500s = phaseCalls.stream().filter(call -> call.status() >= 500 && call.status() != 503).count();
        long caller503s = phaseCalls.stream().filter(call -> call.status() == 503).count();
        String inFlight = String.format(Locale.ROOT, "%d (a %d, b %d; limit %d each)", provider.maxInFlight(),
                provider.counts("a").maxInFlight.get(), provider.counts("b").maxInFlight.get(), MAX_CONCURRENCY);
        long callerErrors = phaseCalls.stream().filter(call -> call.status() == -1).count();
        long reauth = phaseCalls.stream().filter(call -> call.status() == 409).count();
        Row row = new Row(fault, count("status = 'needs_reauth'") - phase.lost, provider.reuses.get() - phase.reuses,
                provider.invalidGrants.get() - phase.invalidGrants, inFlight, events, caller500s, caller503s,
                notes + String.format(Locale.ROOT, "; callers: %d requests, %d answered 200, %d 409 reauth_required,"
                        + " %d connection errors", phaseCalls.size(),
                        phaseCalls.stream().filter(call -> call.status() == 200).count(), reauth, callerErrors));
        rows.add(row);
        System.out.println(row);
    }

    private List<Call> phaseCalls(Phase phase) {
        return calls.stream().filter(call -> call.nanos() >= phase.startNanos).toList();
    }

    /**
     * The webhook events written since the phase began: how many, how many never reached the receiver, and how many
     * arrived before an earlier event (by write order) of the same connection.
     */
    private String events(Phase phase) throws SQLException {
        Map<String, Integer> firstArrival = new HashMap<>();
        List<WebhookReceiver.Delivery> deliveries = receiver.deliveries();
        for (int i = 0; i < deliveries.size(); i++) {
            firstArrival.putIfAbsent(deliveries.get(i).eventId(), i);
        }
        int written = 0;
        int lost = 0;
        int outOfOrder = 0;
        Map<String, Integer> lastArrivalByConnection = new HashMap<>();
        Set<String> gaveUp = new HashSet<>();
        try (Connection db = db();
                Statement query = db.createStatement();
                ResultSet items = query.executeQuery("SELECT payload->>'id', connection_id, created_at, outcome"
                        + " FROM outbox WHERE kind = 'webhook' ORDER BY seq")) {
            while (items.next()) {
                String eventId = items.getString(1);
                String connection = items.getString(2);
                boolean inPhase = !items.getTimestamp(3).toInstant().isBefore(phase.start);
                Integer arrival = firstArrival.get(eventId);
                Integer previous = lastArrivalByConnection.get(connection);
                if (inPhase) {
                    written++;
                    if (arrival == null) {
                        lost++;
                        if ("gave_up".equals(items.getString(4))) {
                            gaveUp.add(eventId);
                        }
                    } else if (previous != null && arrival < previous) {
                        outOfOrder++;
                    }
                }
                if (arrival != null) {
                    lastArrivalByConnection.put(connection, arrival);
                }
            }
        }
        return lost + " lost, " + outOfOrder + " out of order (of " + written + " written"
                + (gaveUp.isEmpty() ? "" : ", " + gaveUp.size() + " given up") + ")";
    }

    private List<UUID> leasedGrants() throws SQLException {
        List<UUID> leased = new ArrayList<>();
        try (Connection db = db();
                Statement query = db.createStatement();
                ResultSet ids = query.executeQuery("SELECT id FROM integration_tokens WHERE refresh_lease_until > now()")) {
            while (ids.next()) {
                leased.add(ids.getObject(1, UUID.class));
            }
        }
        return leased;
    }

    private boolean refreshedOrDeadSince(List<UUID> ids, Instant since) throws SQLException {
        if (ids.isEmpty()) {
            return true;
        }
        try (Connection db = db();
                Statement query = db.createStatement();
                ResultSet left = query.executeQuery("SELECT count(*) FROM integration_tokens WHERE id IN ("
                        + String.join(",", ids.stream().map(id -> "'" + id + "'").toList()) + ")"
                        + " AND status IN ('active', 'degraded')"
                        + " AND (last_refreshed_at IS NULL OR last_refreshed_at < '" + since + "')")) {
            left.next();
            return left.getLong(1) == 0;
        }
    }

    private long count(String condition) throws SQLException {
        return countIn("integration_tokens", condition);
    }

    private long countIn(String table, String condition) throws SQLException {
        try (Connection db = db();
                Statement query = db.createStatement();
                ResultSet count = query.executeQuery("SELECT count(*) FROM " + table + " WHERE " + condition)) {
            count.next();
            return count.getLong(1);
        }
    }

    private Connection db() throws SQLException {
        return postgres.getPostgresDatabase().getConnection();
    }

    private boolean allReadiness(int status) {
        for (PackagedService replica : replicas) {
            try {
                if (replica.management("/q/health/ready").statusCode() != status) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** A condition that may fail while the database is away: polled every 100 ms; false after the timeout. */
    private interface Check {
        boolean holds() throws Exception;
    }

    private static boolean awaitCondition(Duration timeout, Check check) {
        Instant giveUp = Instant.now().plus(timeout);
        while (Instant.now().isBefore(giveUp)) {
            try {
                if (check.holds()) {
                    return true;
                }
            } catch (Exception e) {
                // not yet: the database may be restarting
            }
            pause(Duration.ofMillis(100));
        }
        return false;
    }

    private static void pauseUntil(Instant until) {
        Duration left = Duration.between(Instant.now(), until);
        if (!left.isNegative()) {
            pause(left);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String report() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Settings: two packaged replicas on one PostgreSQL; %d grants; provider"
                + " latency %d ms, access tokens of %d s, refresh tokens rotated on every refresh (a retired one"
                + " presented again kills the grant); hub.refresh interval 2 s, lead time %d s, lease %d s,"
                + " max-concurrency %d, batch 20, degraded after 2 failures, backoff 1 s to 8 s; provider-call timeout"
                + " 3 s; outbox every 1 s, backoff 1 s to 5 s; %d callers asking the internal token API of both"
                + " replicas in turn; fault phases of %d s, %d s to settle after each.%n%n", grantCount,
                LATENCY.toMillis(), TOKEN_LIFETIME.toSeconds(), LEAD_TIME.toSeconds(), LEASE.toSeconds(),
                MAX_CONCURRENCY, CALLERS, phaseSeconds, SETTLE.toSeconds()));
        out.append("| fault | grants lost | double refreshes | invalid_grant | max provider calls in flight"
                + " | events | caller 500s | caller 503s |\n|---|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %s | %d | %d |%n", row.fault(),
                    row.grantsLost(), row.doubleRefreshes(), row.invalidGrants(), row.maxInFlight(), row.events(),
                    row.caller500s(), row.caller503s()));
        }
        out.append("\nNotes:\n\n");
        for (Row row : rows) {
            out.append("- **").append(row.fault()).append("**: ").append(row.notes()).append(".\n");
        }
        long unexpected = started.stream().mapToLong(service -> service.messages().stream()
                .filter(line -> line.contains("Unexpected error")).count()).sum();
        out.append(String.format(Locale.ROOT, "%nOver the whole run: %d grants dead at the provider, %d of %d grants"
                + " needing reauthorization in the hub; %d webhook deliveries with a bad signature; %d \"Unexpected"
                + " error\" lines in the replicas' logs.%n", provider.deadGrants(), safeCount("status = 'needs_reauth'"),
                grantCount, receiver.badSignatures.get(), unexpected));
        return out.toString();
    }

    private long safeCount(String condition) {
        try {
            return count(condition);
        } catch (SQLException e) {
            return -1;
        }
    }
}
