package dev.integrationhub.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.integrationhub.event.WebhookSender;

/** The web app's webhook receiver, as the fake provider server records it. */
public final class Webhooks {

    private Webhooks() {
    }

    /** The deliveries about one connection, oldest first. */
    public static List<LoggedRequest> deliveriesFor(WireMockServer server, UUID connectionId) {
        return server.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo(FakeProviders.WEBHOOK_PATH))).stream()
                .filter(r -> r.getBodyAsString().contains("\"id\":\"" + connectionId + "\"")).toList();
    }

    /** Waits until the connection's successfully answered deliveries are exactly these events, in order. */
    public static List<LoggedRequest> awaitEvents(WireMockServer server, UUID connectionId, List<String> types) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(deliveriesFor(server, connectionId).stream()
                .map(r -> r.getHeader("X-Hub-Event")).distinct().toList()).isEqualTo(types));
        List<LoggedRequest> deliveries = deliveriesFor(server, connectionId);
        deliveries.forEach(Webhooks::assertSigned);
        return deliveries;
    }

    /** The receiver's check: the signature is the HMAC of timestamp and body with the shared secret. */
    public static void assertSigned(LoggedRequest request) {
        String expected = WebhookSender.signature(FakeProviders.WEBHOOK_SECRET, request.getHeader("X-Hub-Timestamp"),
                request.getBodyAsString());
        assertThat(request.getHeader("X-Hub-Signature")).isEqualTo(expected);
    }
}
