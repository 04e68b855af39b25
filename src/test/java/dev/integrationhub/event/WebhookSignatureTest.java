package dev.integrationhub.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The signature header of a webhook, with one secret and, during a rotation, with the new and the old one. */
class WebhookSignatureTest {

    private static final String NEW = "new-webhook-secret-0123456789";
    private static final String OLD = "old-webhook-secret-9876543210";
    private static final String BODY = "{\"id\":\"e1\",\"type\":\"connection.created\"}";

    @Test
    void oneSecretGivesOneSignature() {
        assertThat(WebhookSender.signatureHeader(List.of(NEW), "1764150000", BODY))
                .isEqualTo(WebhookSender.signature(NEW, "1764150000", BODY)).matches("sha256=[0-9a-f]{64}");
    }

    @Test
    void duringARotationAReceiverOnEitherSecretFindsItsSignature() {
        String header = WebhookSender.signatureHeader(List.of(NEW, OLD), "1764150000", BODY);

        assertThat(Arrays.asList(header.split(","))).containsExactly(WebhookSender.signature(NEW, "1764150000", BODY),
                WebhookSender.signature(OLD, "1764150000", BODY));
    }

    @Test
    void theSignatureCoversTheTimestamp() {
        assertThat(WebhookSender.signature(NEW, "1764150001", BODY))
                .isNotEqualTo(WebhookSender.signature(NEW, "1764150000", BODY));
    }
}
