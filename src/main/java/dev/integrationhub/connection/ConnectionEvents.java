package dev.integrationhub.connection;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.event.Outbox;
import dev.integrationhub.event.WebhookSender;

/**
 * Status changes of connections, written to the outbox in the transaction of the change and delivered as
 * signed webhooks by {@link WebhookSender}. Without {@code hub.webhooks.url} nothing is written.
 */
@ApplicationScoped
public class ConnectionEvents {

    public static final String CREATED = "connection.created";
    public static final String NEEDS_REAUTH = "connection.needs_reauth";
    public static final String RECOVERED = "connection.recovered";
    public static final String REVOKED = "connection.revoked";

    private final InstantSource clock;
    private final Outbox outbox;
    private final boolean enabled;

    ConnectionEvents(Outbox outbox, HubConfig config, InstantSource clock) {
        this.clock = clock;
        this.outbox = outbox;
        this.enabled = config.webhooks().url().isPresent();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(String type, Connection connection) {
        if (!enabled) {
            return;
        }
        Map<String, Object> subject = new LinkedHashMap<>();
        subject.put("id", connection.id.toString());
        subject.put("user_id", connection.userId);
        subject.put("integration_type", connection.integrationType);
        subject.put("provider", connection.provider);
        subject.put("status", connection.status.wireName());
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", UUID.randomUUID().toString());
        event.put("type", type);
        event.put("occurred_at", clock.instant().toString());
        event.put("connection", subject);
        outbox.enqueue(WebhookSender.KIND, connection.id, event, Optional.empty());
    }
}
