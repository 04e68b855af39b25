package dev.integrationhub.event;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.http.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.runtime.Startup;

/**
 * Posts connection events to {@code hub.webhooks.url}, signed: {@code X-Hub-Signature: sha256=<hex>} is the
 * HMAC-SHA256, keyed with {@code hub.webhooks.secret}, of {@code <X-Hub-Timestamp>.<body>}. Any failure is
 * retried by the outbox (at least once delivery; {@code X-Hub-Delivery} lets the receiver drop duplicates).
 * Created at startup, so a webhook URL without a usable secret stops the service before it serves.
 */
@Startup
@ApplicationScoped
public class WebhookSender implements OutboxHandler {

    public static final String KIND = "webhook";

    private final InstantSource clock;
    private final Optional<URI> url;
    private final List<String> secrets;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json;
    private final MeterRegistry metrics;

    WebhookSender(HttpClient http, ObjectMapper json, HubConfig config, MeterRegistry metrics, InstantSource clock) {
        this.clock = clock;
        this.json = json;
        this.url = config.webhooks().url();
        Optional<String> secret = config.webhooks().secret();
        if (url.isPresent() && secret.filter(s -> s.length() >= 16).isEmpty()) {
            throw new IllegalStateException("hub.webhooks.secret (env HUB_WEBHOOKS_SECRET) must be set, at least 16"
                    + " characters, when hub.webhooks.url is set");
        }
        if (config.webhooks().previousSecret().filter(s -> s.length() < 16).isPresent()) {
            throw new IllegalStateException("hub.webhooks.previous-secret (env HUB_WEBHOOKS_PREVIOUS_SECRET) must have"
                    + " at least 16 characters");
        }
        this.secrets = Stream.concat(secret.stream(), config.webhooks().previousSecret().stream()).toList();
        this.timeout = config.providerCalls().timeout();
        this.http = http;
        this.metrics = metrics;
    }

    /**
     * The {@code X-Hub-Signature} header: the signature with each configured secret, comma-separated (one outside a
     * rotation). A receiver accepts the delivery if any of them matches its own.
     */
    public static String signatureHeader(List<String> secrets, String timestamp, String body) {
        return secrets.stream().map(secret -> signature(secret, timestamp, body)).collect(Collectors.joining(","));
    }

    /** The signature of a delivery with one secret, as the receiver recomputes it. */
    public static String signature(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    @WithSpan("webhook.deliver")
    public void deliver(OutboxItem item, Optional<String> unused) {
        if (url.isEmpty()) {
            throw new DeliveryFailedException("hub.webhooks.url is no longer set", false, null);
        }
        String body;
        try {
            body = json.writeValueAsString(item.payload);
        } catch (JsonProcessingException e) {
            throw new DeliveryFailedException("event cannot be serialized", false, null);
        }
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(url.get()).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("X-Hub-Event", String.valueOf(item.payload.get("type")))
                .header("X-Hub-Delivery", item.id.toString())
                .header("X-Hub-Timestamp", timestamp)
                .header("X-Hub-Signature", signatureHeader(secrets, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        String outcome = "failed";
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new DeliveryFailedException("receiver answered HTTP " + response.statusCode(), true,
                        Backoff.retryAfter(response).orElse(null));
            }
            outcome = "delivered";
        } catch (HttpTimeoutException e) {
            outcome = "timeout";
            throw new DeliveryFailedException("receiver did not answer in time", true, null);
        } catch (IOException e) {
            throw new DeliveryFailedException("receiver unreachable", true, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryFailedException("interrupted", true, null);
        } finally {
            metrics.counter("hub.webhook.deliveries", "outcome", outcome).increment();
        }
    }
}
