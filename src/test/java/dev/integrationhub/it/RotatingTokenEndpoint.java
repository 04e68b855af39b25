package dev.integrationhub.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A provider's token endpoint on loopback that behaves like the strict ones: every refresh answers a new access
 * token and a new refresh token and retires the one presented; presenting a retired refresh token again is taken as
 * theft, answered {@code 400 invalid_grant}, and kills the whole grant (every later refresh of it is
 * {@code invalid_grant} too). It learns a grant from its first refresh token ({@link GrantRows}'
 * {@code 1//refresh-<id>}). It can be switched into an outage ({@code 500} after the same latency), and it counts
 * calls and calls in flight, per caller: each replica is given its own path, {@code /token/<caller>}, so the
 * counts say which replica called.
 */
final class RotatingTokenEndpoint implements AutoCloseable {

    private static final String INITIAL = "1//refresh-";

    /** One grant: its live refresh token (every other one it had is retired), whether reuse killed it. */
    private static final class Grant {
        String current;
        volatile boolean dead;

        Grant(String current) {
            this.current = current;
        }
    }

    /** Counters of one caller (replica) since the last {@link #resetPeriod}. */
    static final class Counts {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final AtomicLong calls = new AtomicLong();
    }

    private final Map<String, Grant> grantsByToken = new ConcurrentHashMap<>();
    private final Map<String, Counts> byCaller = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    /** Retired refresh tokens presented again (each kills its grant). */
    final AtomicLong reuses = new AtomicLong();
    /** {@code invalid_grant} answers (reuse, or any call for a dead grant). */
    final AtomicLong invalidGrants = new AtomicLong();
    final AtomicLong rotations = new AtomicLong();
    final AtomicLong outageAnswers = new AtomicLong();
    private final Duration latency;
    private final Duration accessTokenLifetime;
    private final HttpServer server;
    private volatile boolean outage;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    RotatingTokenEndpoint(Duration latency, Duration accessTokenLifetime) {
        this.latency = latency;
        this.accessTokenLifetime = accessTokenLifetime;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/token/", this::handle);
        server.start();
    }

    /** The token endpoint for one caller, e.g. {@code a} for the first replica. */
    String uri(String caller) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token/" + caller;
    }

    /** Whether every call answers {@code 500} (after the usual latency). */
    void outage(boolean on) {
        outage = on;
    }

    /** Holds every call that arrives from now on until {@link #release}: a test can act while they are in flight. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    /** Lets the held calls (and later ones) be answered. */
    void release() {
        gate.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String caller = exchange.getRequestURI().getPath().substring("/token/".length());
        Counts counts = byCaller.computeIfAbsent(caller, c -> new Counts());
        counts.calls.incrementAndGet();
        counts.maxInFlight.accumulateAndGet(counts.inFlight.incrementAndGet(), Math::max);
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        int status = 200;
        String json = null;
        try (exchange; InputStream body = exchange.getRequestBody()) {
            String refreshToken = refreshToken(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            gate.await();
            Thread.sleep(latency);
            if (outage) {
                outageAnswers.incrementAndGet();
                status = 500;
                json = "{\"error\":\"server_error\"}";
            } else {
                try {
                    json = refresh(refreshToken);
                } catch (InvalidGrant e) {
                    invalidGrants.incrementAndGet();
                    status = 400;
                    json = "{\"error\":\"invalid_grant\",\"error_description\":\"" + e.getMessage() + "\"}";
                }
            }
            // answered: no longer in flight, before the caller can see the answer and make its next call
            counts.inFlight.decrementAndGet();
            inFlight.decrementAndGet();
            answer(exchange, status, json);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (json == null) {
                counts.inFlight.decrementAndGet();
                inFlight.decrementAndGet();
            }
        }
    }

    /** Rotates the grant's refresh token, or kills the grant if a retired one was presented. */
    private String refresh(String refreshToken) {
        Grant grant = grantsByToken.computeIfAbsent(refreshToken,
                token -> token.startsWith(INITIAL) ? new Grant(token) : null);
        if (grant == null) {
            throw new InvalidGrant("unknown refresh token");
        }
        String next = "1//rotated-" + UUID.randomUUID();
        synchronized (grant) {
            if (grant.dead) {
                throw new InvalidGrant("grant revoked");
            }
            if (!refreshToken.equals(grant.current)) {
                grant.dead = true;
                reuses.incrementAndGet();
                throw new InvalidGrant("refresh token reused");
            }
            grant.current = next;
            grantsByToken.put(next, grant);
        }
        rotations.incrementAndGet();
        return "{\"access_token\":\"ya29.rotated-" + UUID.randomUUID() + "\",\"expires_in\":"
                + accessTokenLifetime.toSeconds() + ",\"refresh_token\":\"" + next + "\",\"token_type\":\"Bearer\","
                + "\"scope\":\"" + String.join(" ", CountingTokenEndpoint.SCOPES) + "\"}";
    }

    private static String refreshToken(String form) {
        for (String pair : form.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals("refresh_token") && kv.length > 1) {
                return URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Grants killed by the reuse of a retired refresh token. */
    long deadGrants() {
        return grantsByToken.values().stream().distinct().filter(grant -> grant.dead).count();
    }

    /** Calls in flight right now, from all callers. */
    int inFlight() {
        return inFlight.get();
    }

    /** Calls in flight right now from one caller. */
    int inFlight(String caller) {
        Counts counts = byCaller.get(caller);
        return counts == null ? 0 : counts.inFlight.get();
    }

    /** The period's counters of a caller. */
    Counts counts(String caller) {
        return byCaller.computeIfAbsent(caller, c -> new Counts());
    }

    /** The most calls in flight at once, from all callers, since the last reset. */
    int maxInFlight() {
        return maxInFlight.get();
    }

    /** Starts a new period: maxima back to what is in flight now, call counts to zero. */
    void resetPeriod() {
        maxInFlight.set(inFlight.get());
        byCaller.values().forEach(counts -> {
            counts.maxInFlight.set(counts.inFlight.get());
            counts.calls.set(0);
        });
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A refresh the provider refuses for good. */
    private static final class InvalidGrant extends RuntimeException {

        InvalidGrant(String message) {
            super(message, null, false, false);
        }
    }
}
