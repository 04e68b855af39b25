package dev.integrationhub.connection;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Query;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.crypto.AssociatedData;
import dev.integrationhub.crypto.SecretCipher;
import dev.integrationhub.provider.Grant;

/**
 * Puts a grant's tokens into a connection and takes them out again, always through {@link SecretCipher}: the
 * entity only ever holds ciphertext, bound to its id and the token kind.
 */
@ApplicationScoped
public class GrantTokens {

    public static final String ACCESS_TOKEN = "integration_tokens.access_token";
    public static final String REFRESH_TOKEN = "integration_tokens.refresh_token";

    private final InstantSource clock;
    private final SecretCipher cipher;
    private final ConnectionRepository connections;
    private final Duration leadTime;

    GrantTokens(SecretCipher cipher, ConnectionRepository connections, HubConfig config, InstantSource clock) {
        this.clock = clock;
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
        connection.accessTokenCiphertext = cipher.encryptString(grant.accessToken(), access(connection.id));
        if (grant.refreshToken() != null) {
            connection.refreshTokenCiphertext = cipher.encryptString(grant.refreshToken(), refresh(connection.id));
        }
        connection.tokenExpiresAt = grant.expiresAt();
        connection.grantedScopes = List.copyOf(grant.grantedScopes());
        connection.refreshDueAt = connection.refreshTokenCiphertext == null ? null : grant.expiresAt().minus(leadTime);
        connection.refreshLeaseUntil = null;
        connection.refreshFailures = 0;
        connection.lastRefreshError = null;
    }

    /**
     * The refresh hot path: stores a refreshed grant with one conditional SQL UPDATE, without loading the row,
     * if the connection is still {@code active} at the claimed version. Same effect as {@link #store} plus
     * {@code lastRefreshedAt}. (Plain SQL: a JPQL update is re-translated on every call, which showed in
     * profiles of the refresh benchmark.)
     *
     * @return false if the row changed since the claim or is not {@code active}; nothing was written then
     */
    public boolean storeRefreshed(UUID connectionId, long version, Grant grant) {
        Instant now = clock.instant();
        String refreshAssignment = grant.refreshToken() == null ? "" : ", refresh_token_ciphertext = :refresh";
        Query update = connections.getEntityManager().createNativeQuery("UPDATE integration_tokens SET"
                + " access_token_ciphertext = :access, token_expires_at = :expires, granted_scopes = :scopes,"
                + " refresh_due_at = :due, refresh_lease_until = NULL, refresh_failures = 0, last_refresh_error = NULL,"
                + " last_refreshed_at = :now, updated_at = :now, version = version + 1" + refreshAssignment
                + " WHERE id = :id AND version = :version AND status = 'active'")
                .setParameter("access", cipher.encryptString(grant.accessToken(), access(connectionId)))
                .setParameter("expires", grant.expiresAt())
                .setParameter("scopes", grant.grantedScopes().toArray(String[]::new))
                .setParameter("due", grant.expiresAt().minus(leadTime))
                .setParameter("now", now)
                .setParameter("id", connectionId)
                .setParameter("version", version);
        if (grant.refreshToken() != null) {
            update.setParameter("refresh", cipher.encryptString(grant.refreshToken(), refresh(connectionId)));
        }
        return update.executeUpdate() == 1;
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
        return Optional.ofNullable(connection.accessTokenCiphertext)
                .map(c -> cipher.decryptString(c, access(connection.id)));
    }

    /** The refresh token; empty if none is stored. */
    public Optional<String> refreshToken(Connection connection) {
        return Optional.ofNullable(connection.refreshTokenCiphertext).map(c -> refreshToken(connection.id, c));
    }

    /** A refresh token read straight from its column, for code that does not load the entity. */
    public String refreshToken(UUID connectionId, byte[] ciphertext) {
        return cipher.decryptString(ciphertext, refresh(connectionId));
    }

    private static AssociatedData access(UUID connectionId) {
        return new AssociatedData(ACCESS_TOKEN, connectionId);
    }

    private static AssociatedData refresh(UUID connectionId) {
        return new AssociatedData(REFRESH_TOKEN, connectionId);
    }
}
