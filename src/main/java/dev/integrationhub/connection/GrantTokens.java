package dev.integrationhub.connection;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.integrationhub.crypto.AssociatedData;
import dev.integrationhub.crypto.DecryptionFailedException;
import dev.integrationhub.crypto.SecretCipher;
import dev.integrationhub.provider.Grant;

/**
 * Puts a grant's tokens into a connection and takes them out again, always through {@link SecretCipher}: the
 * entity only ever holds ciphertext, bound to its row, the token kind and (binding {@link #OWNER_BOUND}) the user
 * and provider account. What the tokens mean for the connection's status and refresh schedule is
 * {@link ConnectionLifecycle}'s business.
 */
@ApplicationScoped
public class GrantTokens {

    private static final Logger LOG = Logger.getLogger(GrantTokens.class);

    public static final String ACCESS_TOKEN = "integration_tokens.access_token";
    public static final String REFRESH_TOKEN = "integration_tokens.refresh_token";
    /** Binding of rows written before V6: token kind and row id only. */
    public static final int ROW_BOUND = 1;
    /** Binding of every row the service writes: also the user and the provider account. */
    public static final int OWNER_BOUND = 2;

    private final SecretCipher cipher;

    GrantTokens(SecretCipher cipher) {
        this.cipher = cipher;
    }

    /**
     * Whose a row's tokens are, and how its ciphertexts are bound to that.
     *
     * @param binding {@link #ROW_BOUND} or {@link #OWNER_BOUND}
     */
    public record TokenOwner(UUID id, String userId, String provider, String accountSubject, int binding) {

        public static TokenOwner of(Connection connection) {
            return new TokenOwner(connection.id, connection.userId, connection.provider, connection.accountSubject,
                    connection.tokenBinding);
        }

        /** The same owner with the binding every write uses. */
        TokenOwner bound() {
            return new TokenOwner(id, userId, provider, accountSubject, OWNER_BOUND);
        }
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
     * Stores a grant's tokens, expiry and scopes, bound to the connection's user and account. A grant without a
     * refresh token keeps the stored one (providers often answer without a new one, and the old one stays valid),
     * bound anew; one the keyset cannot read is dropped, so the grant will need reauthorization.
     */
    public void store(Connection connection, Grant grant) {
        TokenOwner current = TokenOwner.of(connection);
        TokenOwner bound = current.bound();
        byte[] keptRefresh = grant.refreshToken() != null || connection.refreshTokenCiphertext == null ? null
                : rebind(connection.refreshTokenCiphertext, refresh(current), refresh(bound));
        store(connection, seal(bound, grant));
        if (grant.refreshToken() == null) {
            connection.refreshTokenCiphertext = keptRefresh;
        }
        connection.tokenBinding = OWNER_BOUND;
    }

    /** Stores a grant already sealed for this connection's owner and binding ({@link #seal}). */
    public void store(Connection connection, SealedGrant sealed) {
        connection.accessTokenCiphertext = sealed.accessTokenCiphertext();
        if (sealed.refreshTokenCiphertext() != null) {
            connection.refreshTokenCiphertext = sealed.refreshTokenCiphertext();
        }
        connection.tokenExpiresAt = sealed.expiresAt();
        connection.grantedScopes = sealed.grantedScopes();
    }

    /** The grant encrypted for the row of {@code owner}, with the row's current binding. */
    public SealedGrant seal(TokenOwner owner, Grant grant) {
        return new SealedGrant(cipher.encryptString(grant.accessToken(), access(owner)),
                grant.refreshToken() == null ? null : cipher.encryptString(grant.refreshToken(), refresh(owner)),
                grant.expiresAt(), List.copyOf(grant.grantedScopes()));
    }

    /**
     * A row's token ciphertexts made anew with the primary key and bound to the owner, for the re-encryption job.
     *
     * @throws DecryptionFailedException if the keyset cannot decrypt one of them
     */
    public ConnectionRepository.StoredTokens reseal(ConnectionRepository.StoredTokens stored) {
        TokenOwner bound = stored.owner().bound();
        return new ConnectionRepository.StoredTokens(bound,
                reseal(stored.accessTokenCiphertext(), access(stored.owner()), access(bound)),
                reseal(stored.refreshTokenCiphertext(), refresh(stored.owner()), refresh(bound)));
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
                .map(c -> accessToken(TokenOwner.of(connection), c));
    }

    /** The refresh token; empty if none is stored. */
    public Optional<String> refreshToken(Connection connection) {
        return Optional.ofNullable(connection.refreshTokenCiphertext)
                .map(c -> refreshToken(TokenOwner.of(connection), c));
    }

    /** An access token read straight from its column, for code that does not load the entity. */
    public String accessToken(TokenOwner owner, byte[] ciphertext) {
        return cipher.decryptString(ciphertext, access(owner));
    }

    /** A refresh token read straight from its column, for code that does not load the entity. */
    public String refreshToken(TokenOwner owner, byte[] ciphertext) {
        return cipher.decryptString(ciphertext, refresh(owner));
    }

    private byte[] reseal(byte[] ciphertext, AssociatedData from, AssociatedData to) {
        return ciphertext == null ? null : cipher.encrypt(cipher.decrypt(ciphertext, from), to);
    }

    private byte[] rebind(byte[] ciphertext, AssociatedData from, AssociatedData to) {
        try {
            return reseal(ciphertext, from, to);
        } catch (DecryptionFailedException e) {
            LOG.warnf("Connection %s: the stored refresh token cannot be decrypted; it is dropped", from.ownerId());
            return null;
        }
    }

    private static AssociatedData access(TokenOwner owner) {
        return data(ACCESS_TOKEN, owner);
    }

    private static AssociatedData refresh(TokenOwner owner) {
        return data(REFRESH_TOKEN, owner);
    }

    private static AssociatedData data(String kind, TokenOwner owner) {
        return owner.binding() >= OWNER_BOUND
                ? new AssociatedData(kind, owner.id(), List.of(owner.userId(), owner.provider(), owner.accountSubject()))
                : new AssociatedData(kind, owner.id());
    }
}
