package dev.integrationhub.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.integrationhub.event.WebhookSender;
import dev.integrationhub.testsupport.FreePorts;

/**
 * The web app's backend as the hub's status webhooks reach it: a loopback server that checks each delivery's
 * signature and records the events in arrival order, and that can be taken down (its port then refuses
 * connections) and brought back on the same port, so that a benchmark can check that nothing was lost and each
 * connection's events still arrived in order.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One delivery as it arrived. */
    record Delivery(String deliveryId, String eventId, String type, String connectionId, long arrivedNanos) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String secret;
    private final int port;
    private final List<Delivery> deliveries = new ArrayList<>();
    /** Deliveries whose signature did not match (none should). */
    final AtomicLong badSignatures = new AtomicLong();
    private HttpServer server;

    WebhookReceiver(String secret) throws IOException {
        this.secret = secret;
        this.port = FreePorts.pick();
        up();
    }

    String uri() {
        return "http://127.0.0.1:" + port + "/hub-events";
    }

    /** Listens again on the same port. */
    synchronized void up() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hub-events", this::receive);
        server.start();
    }

    /** Stops listening: deliveries are refused until {@link #up}. */
    synchronized void down() {
        server.stop(0);
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String timestamp = exchange.getRequestHeaders().getFirst("X-Hub-Timestamp");
            String signature = exchange.getRequestHeaders().getFirst("X-Hub-Signature");
            if (timestamp == null || signature == null
                    || !signature.equals(WebhookSender.signature(secret, timestamp, body))) {
                badSignatures.incrementAndGet();
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            JsonNode event = JSON.readTree(body);
            synchronized (deliveries) {
                deliveries.add(new Delivery(exchange.getRequestHeaders().getFirst("X-Hub-Delivery"),
                        event.path("id").asText(), event.path("type").asText(),
                        event.path("connection").path("id").asText(), System.nanoTime()));
            }
            exchange.sendResponseHeaders(204, -1);
        }
    }

    /** Every delivery so far, in arrival order (a redelivery appears again). */
    List<Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    @Override
    public synchronized void close() {
        server.stop(0);
    }
}
