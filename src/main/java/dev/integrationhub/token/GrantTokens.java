package dev.integrationhub.token;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionRepository;
import dev.integrationhub.connection.ConnectionStatus;

/**
 * Puts a grant's tokens into a connection and takes them out again, always through {@link SecretCipher}: the
 * entity only ever holds ciphertext, bound to its id and the token kind.
 */
@ApplicationScoped
public class GrantTokens {

    public static final String ACCESS_TOKEN = "integration_tokens.access_token";
    public static final String REFRESH_TOKEN = "integration_tokens.refresh_token";

    private final SecretCipher cipher;
    private final ConnectionRepository connections;
    private final Duration leadTime;

    GrantTokens(SecretCipher cipher, ConnectionRepository connections, HubConfig config) {
        this.cipher = cipher;
        this.connections = connections;
        this.leadTime = config.refresh().leadTime();
    }

    /**
     * Stores a grant's tokens and scopes, and schedules its next refresh ({@code hub.refresh.lead-time} before
     * expiry). A grant without a refresh token keeps the stored one: providers often answer without a new
     * refresh token, and the old one stays valid.
     */
    public void store(Connection connection, Grant grant) {
        connection.accessTokenCiphertext = cipher.encryptString(grant.accessToken(), access(connection));
        if (grant.refreshToken() != null) {
            connection.refreshTokenCiphertext = cipher.encryptString(grant.refreshToken(), refresh(connection));
        }
        connection.tokenExpiresAt = grant.expiresAt();
        connection.grantedScopes = List.copyOf(grant.grantedScopes());
        connection.refreshDueAt = connection.refreshTokenCiphertext == null ? null : grant.expiresAt().minus(leadTime);
        connection.refreshLeaseUntil = null;
        connection.refreshFailures = 0;
        connection.lastRefreshError = null;
    }

    /**
     * The refresh hot path: stores a refreshed grant with one conditional UPDATE, without loading the row,
     * if the connection is still {@code active} at the claimed version. Same effect as {@link #store} plus
     * {@code lastRefreshedAt}.
     *
     * @return false if the row changed since the claim or is not {@code active}; nothing was written then
     */
    public boolean storeRefreshed(UUID connectionId, long version, Grant grant) {
        Instant now = Instant.now();
        String refreshAssignment = grant.refreshToken() == null ? "" : ", refreshTokenCiphertext = ?8";
        List<Object> parameters = new ArrayList<>(List.of(
                cipher.encryptString(grant.accessToken(), new AssociatedData(ACCESS_TOKEN, connectionId)),
                grant.expiresAt(), List.copyOf(grant.grantedScopes()), grant.expiresAt().minus(leadTime), now,
                connectionId, version));
        if (grant.refreshToken() != null) {
            parameters.add(cipher.encryptString(grant.refreshToken(), new AssociatedData(REFRESH_TOKEN, connectionId)));
        }
        parameters.add(ConnectionStatus.ACTIVE);
        int statusParameter = parameters.size();
        return connections.update("accessTokenCiphertext = ?1, tokenExpiresAt = ?2, grantedScopes = ?3,"
                + " refreshDueAt = ?4, refreshLeaseUntil = null, refreshFailures = 0, lastRefreshError = null,"
                + " lastRefreshedAt = ?5, updatedAt = ?5, version = version + 1" + refreshAssignment
                + " where id = ?6 and version = ?7 and status = ?" + statusParameter, parameters.toArray()) == 1;
    }

    /** Destroys the stored tokens and unschedules refresh; the connection can no longer act. */
    public void destroy(Connection connection) {
        connection.accessTokenCiphertext = null;
        connection.refreshTokenCiphertext = null;
        connection.tokenExpiresAt = null;
        connection.refreshDueAt = null;
        connection.refreshLeaseUntil = null;
    }

    /** The access token; empty if none is stored (a revoked connection). */
    public Optional<String> accessToken(Connection connection) {
        return Optional.ofNullable(connection.accessTokenCiphertext).map(c -> cipher.decryptString(c, access(connection)));
    }

    /** The refresh token; empty if none is stored. */
    public Optional<String> refreshToken(Connection connection) {
        return Optional.ofNullable(connection.refreshTokenCiphertext)
                .map(c -> cipher.decryptString(c, refresh(connection)));
    }

    private static AssociatedData access(Connection connection) {
        return new AssociatedData(ACCESS_TOKEN, connection.id);
    }

    private static AssociatedData refresh(Connection connection) {
        return new AssociatedData(REFRESH_TOKEN, connection.id);
    }
}
