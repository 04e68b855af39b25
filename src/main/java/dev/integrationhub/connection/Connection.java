package dev.integrationhub.connection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.CreationTimestamp;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.UpdateTimestamp;
import org.hibernate.type.SqlTypes;

/**
 * One user's link to one account of one integration type, with its grant. The tokens are stored only as
 * ciphertext (see {@code dev.integrationhub.connection.GrantTokens}); the id is assigned before the first insert
 * because the ciphertexts are bound to it.
 */
@Entity
@Table(name = "integration_tokens")
public class Connection {

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false, updatable = false)
    public String userId;

    @Column(name = "integration_type", nullable = false, updatable = false)
    public String integrationType;

    @Column(nullable = false, updatable = false)
    public String provider;

    /** The provider's stable id of the account (OIDC {@code sub}; Telegram's user id). */
    @Column(name = "account_subject", nullable = false, updatable = false)
    public String accountSubject;

    /** How the account is shown: its e-mail address; for Telegram, the user's {@code @username}. */
    @Column(name = "account_email")
    public String accountEmail;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "granted_scopes", nullable = false)
    public List<String> grantedScopes = new ArrayList<>();

    @Column(nullable = false)
    public ConnectionStatus status = ConnectionStatus.ACTIVE;

    @Column(name = "access_token_ciphertext")
    public byte[] accessTokenCiphertext;

    @Column(name = "refresh_token_ciphertext")
    public byte[] refreshTokenCiphertext;

    /** How the token ciphertexts are bound to their owner; see {@link GrantTokens} and migration V6. */
    @Column(name = "token_binding", nullable = false)
    public int tokenBinding = GrantTokens.OWNER_BOUND;

    @Column(name = "token_expires_at")
    public Instant tokenExpiresAt;

    @Column(name = "last_refreshed_at")
    public Instant lastRefreshedAt;

    /** When the next refresh is due; {@code null} when none is scheduled. See V3 migration. */
    @Column(name = "refresh_due_at")
    public Instant refreshDueAt;

    /** Until when a replica holds this grant for refreshing. */
    @Column(name = "refresh_lease_until")
    public Instant refreshLeaseUntil;

    /** Consecutive transient refresh failures. */
    @Column(name = "refresh_failures", nullable = false)
    public int refreshFailures;

    /** Why the last refresh failed, without secrets. */
    @Column(name = "last_refresh_error")
    public String lastRefreshError;

    /** User-editable and provider facts such as the Telegram {@code default_chat_id}. Never a secret. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> metadata = new HashMap<>();

    @CreationTimestamp
    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @UpdateTimestamp
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    public Long version;

    /** A new connection of {@code userId}, not yet persisted, with a fresh id. */
    public static Connection newFor(String userId, String integrationType, String provider, String accountSubject) {
        Connection connection = new Connection();
        connection.id = UUID.randomUUID();
        connection.userId = userId;
        connection.integrationType = integrationType;
        connection.provider = provider;
        connection.accountSubject = accountSubject;
        return connection;
    }
}
