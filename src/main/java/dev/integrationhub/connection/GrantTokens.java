package dev.integrationhub.connection;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.integrationhub.crypto.AssociatedData;
import dev.integrationhub.crypto.SecretCipher;
import dev.integrationhub.provider.Grant;

/**
 * Puts a grant's tokens into a connection and takes them out again, always through {@link SecretCipher}: the
 * entity only ever holds ciphertext, bound to its id and the token kind. What the tokens mean for the
 * connection's status and refresh schedule is {@link ConnectionLifecycle}'s business.
 */
@ApplicationScoped
public class GrantTokens {

    public static final String ACCESS_TOKEN = "integration_tokens.access_token";
    public static final String REFRESH_TOKEN = "integration_tokens.refresh_token";

    private final SecretCipher cipher;

    GrantTokens(SecretCipher cipher) {
        this.cipher = cipher;
    }

    /**
     * A grant encrypted for one row, for code that writes the row without loading it.
     *
     * @param refreshTokenCiphertext {@code null} when the grant came without a refresh token
     */
    public record SealedGrant(byte[] accessTokenCiphertext, byte[] refreshTokenCiphertext, Instant expiresAt,
            List<String> grantedScopes) {
    }

    /**
     * Stores a grant's tokens, expiry and scopes. A grant without a refresh token keeps the stored one: providers
     * often answer without a new refresh token, and the old one stays valid.
     */
    public void store(Connection connection, Grant grant) {
        store(connection, seal(connection.id, grant));
    }

    /** Stores a grant already sealed for this connection; see {@link #store(Connection, Grant)}. */
    public void store(Connection connection, SealedGrant sealed) {
        connection.accessTokenCiphertext = sealed.accessTokenCiphertext();
        if (sealed.refreshTokenCiphertext() != null) {
            connection.refreshTokenCiphertext = sealed.refreshTokenCiphertext();
        }
        connection.tokenExpiresAt = sealed.expiresAt();
        connection.grantedScopes = sealed.grantedScopes();
    }

    /** The grant encrypted for the connection {@code connectionId}. */
    public SealedGrant seal(UUID connectionId, Grant grant) {
        return new SealedGrant(cipher.encryptString(grant.accessToken(), access(connectionId)),
                grant.refreshToken() == null ? null : cipher.encryptString(grant.refreshToken(), refresh(connectionId)),
                grant.expiresAt(), List.copyOf(grant.grantedScopes()));
    }

    /**
     * A row's token ciphertexts made anew with the primary key, after a rotation.
     *
     * @throws dev.integrationhub.crypto.DecryptionFailedException if the keyset cannot decrypt one of them
     */
    public ConnectionRepository.StoredTokens reseal(ConnectionRepository.StoredTokens stored) {
        return new ConnectionRepository.StoredTokens(stored.id(),
                reseal(stored.accessTokenCiphertext(), access(stored.id())),
                reseal(stored.refreshTokenCiphertext(), refresh(stored.id())));
    }

    private byte[] reseal(byte[] ciphertext, AssociatedData data) {
        return ciphertext == null ? null : cipher.encrypt(cipher.decrypt(ciphertext, data), data);
    }

    /** Destroys the stored tokens; the connection can no longer act. */
    public void destroy(Connection connection) {
        connection.accessTokenCiphertext = null;
        connection.refreshTokenCiphertext = null;
        connection.tokenExpiresAt = null;
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
