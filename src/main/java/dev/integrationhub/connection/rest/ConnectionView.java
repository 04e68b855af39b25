package dev.integrationhub.connection.rest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionStatus;

/**
 * A connection as the web app sees it. It has no token field on purpose: tokens never leave the hub
 * through the user API.
 *
 * @param account the account's e-mail address (or, without one, the provider's account id)
 * @param expiresAt when the current access token expires
 */
public record ConnectionView(UUID id, String integrationType, String provider, String account,
        List<String> grantedScopes, ConnectionStatus status, Instant expiresAt, Instant lastRefreshedAt,
        Map<String, Object> metadata, Instant createdAt, Instant updatedAt) {

    public static ConnectionView of(Connection c) {
        String account = c.accountEmail != null ? c.accountEmail : c.accountSubject;
        return new ConnectionView(c.id, c.integrationType, c.provider, account, List.copyOf(c.grantedScopes), c.status,
                c.tokenExpiresAt, c.lastRefreshedAt, Map.copyOf(c.metadata), c.createdAt, c.updatedAt);
    }
}
