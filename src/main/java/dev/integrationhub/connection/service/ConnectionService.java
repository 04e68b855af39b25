package dev.integrationhub.connection.service;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.integrationhub.audit.AuditLog;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionRepository;
import dev.integrationhub.error.ProblemException;

/** A user's view of their own connections. Another user's connection is treated as absent. */
@ApplicationScoped
public class ConnectionService {

    /** The metadata key holding the Telegram chat that messages go to when none is given. */
    public static final String DEFAULT_CHAT_ID = "default_chat_id";

    private final ConnectionRepository connections;
    private final AuditLog audit;

    ConnectionService(ConnectionRepository connections, AuditLog audit) {
        this.connections = connections;
        this.audit = audit;
    }

    public List<Connection> list(String userId) {
        return connections.listOwnedBy(userId);
    }

    public Connection get(String userId, UUID id) {
        return connections.findOwned(id, userId)
                .orElseThrow(() -> ProblemException.notFound("You have no connection with this id."));
    }

    /**
     * Replaces the user-editable metadata ({@code default_chat_id}; {@code null} removes it). Metadata written
     * by the hub itself is kept.
     */
    @Transactional
    public Connection updateMetadata(String userId, UUID id, String defaultChatId) {
        Connection connection = get(userId, id);
        if (!"telegram".equals(connection.integrationType)) {
            throw ProblemException.badRequest("metadata_not_applicable",
                    DEFAULT_CHAT_ID + " applies to telegram connections only.");
        }
        Map<String, Object> metadata = new HashMap<>(connection.metadata);
        if (defaultChatId == null) {
            metadata.remove(DEFAULT_CHAT_ID);
        } else {
            metadata.put(DEFAULT_CHAT_ID, defaultChatId);
        }
        connection.metadata = metadata;
        audit.record(userId, "connection.metadata_updated", id, Map.of("keys", List.of(DEFAULT_CHAT_ID)));
        return connection;
    }
}
