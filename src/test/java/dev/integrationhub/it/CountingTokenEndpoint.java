package dev.integrationhub.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A provider's token endpoint on loopback that answers every refresh after a fixed latency with a fresh access
 * token (Gmail scopes), counts calls per refresh token, and logs when each call began and ended and which caller
 * (replica) made it.
 */
final class CountingTokenEndpoint implements AutoCloseable {

    static final List<String> SCOPES = List.of("openid", "email", "https://www.googleapis.com/auth/gmail.send",
            "https://www.googleapis.com/auth/gmail.readonly");

    /**
     * One call, answered or not.
     *
     * @param caller what follows {@code /token/} in the URI the caller was given ({@link #uri(String)}); empty for
     *        {@link #uri()}
     * @param beganNanos when the request arrived, {@link System#nanoTime()}
     * @param endedNanos when it was answered
     */
    record Call(String caller, long beganNanos, long endedNanos) {
    }

    final Map<String, AtomicInteger> callsByRefreshToken = new ConcurrentHashMap<>();
    /** Every call so far, in the order they ended. */
    final Queue<Call> calls = new ConcurrentLinkedQueue<>();
    private final Duration latency;
    private final HttpServer server;

    CountingTokenEndpoint(Duration latency) {
        this.latency = latency;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/token", exchange -> {
            long began = System.nanoTime();
            String caller = exchange.getRequestURI().getPath().substring("/token".length()).replaceFirst("^/", "");
            try (InputStream body = exchange.getRequestBody()) {
                Map<String, String> form = new HashMap<>();
                for (String pair : new String(body.readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                    String[] kv = pair.split("=", 2);
                    form.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
                }
                callsByRefreshToken.computeIfAbsent(form.getOrDefault("refresh_token", ""), k -> new AtomicInteger())
                        .incrementAndGet();
                Thread.sleep(latency);
                byte[] answer = ("{\"access_token\":\"ya29.fake-" + UUID.randomUUID() + "\",\"expires_in\":3599,"
                        + "\"token_type\":\"Bearer\",\"scope\":\"" + String.join(" ", SCOPES) + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                calls.add(new Call(caller, began, System.nanoTime()));
                exchange.close();
            }
        });
        server.start();
    }

    String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The same endpoint for one caller, e.g. {@code a} for the first replica: its calls are logged as that caller's. */
    String uri(String caller) {
        return uri() + "/" + caller;
    }

    /** Refresh tokens the endpoint saw more than once. */
    long doubleRefreshes() {
        return callsByRefreshToken.values().stream().filter(c -> c.get() > 1).count();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
