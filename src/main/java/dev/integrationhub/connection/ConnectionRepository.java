package dev.integrationhub.connection;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Query;

import io.agroal.api.AgroalDataSource;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/**
 * Connections. The queries of one user are served by the leading {@code user_id} of the unique index on
 * (user, integration type, provider, account). A {@code revoked} connection is kept (its tokens destroyed) so
 * that reconnecting the account revives the same id, but users no longer see it.
 *
 * <p>
 * The refresh hot path is plain SQL (a JPQL statement is re-translated on every call, which showed in profiles
 * of the refresh benchmark): {@link #claimDue} and {@link #storeRefreshed}. Both write only what
 * {@link ConnectionLifecycle} would write on the entity path. So is the token hand-outs' read ({@link #tokenRows}),
 * with JDBC itself, since it maps no entity.
 */
@ApplicationScoped
public class ConnectionRepository implements PanacheRepositoryBase<Connection, UUID> {

    /** What token hand-outs read ({@link #tokenRows}). */
    private static final String TOKEN_ROWS = "SELECT id, user_id, provider, account_subject, token_binding, status,"
            + " access_token_ciphertext, token_expires_at, granted_scopes, account_email FROM integration_tokens"
            + " WHERE id = ANY(?)";

    /** {@code 'active', 'degraded'}: {@link ConnectionStatus#REFRESHABLE} as SQL, the predicate of the due index. */
    private static final String REFRESHABLE_SQL = ConnectionStatus.REFRESHABLE.stream()
            .map(status -> "'" + status.wireName() + "'").collect(Collectors.joining(", "));

    /**
     * A row to re-encrypt: bound before V6, or holding a token ciphertext whose Tink prefix (version byte and key id)
     * is not {@code :prefix}.
     */
    private static final String TO_RESEAL = "token_binding < " + GrantTokens.OWNER_BOUND
            + " OR (access_token_ciphertext IS NOT NULL AND substring(access_token_ciphertext from 1 for 5) <> :prefix)"
            + " OR (refresh_token_ciphertext IS NOT NULL AND substring(refresh_token_ciphertext from 1 for 5) <> :prefix)";

    private static final String CLAIM_DUE = "UPDATE integration_tokens t"
            + " SET refresh_lease_until = :leaseEnd, refresh_due_at = :leaseEnd, version = t.version + 1"
            + " WHERE t.id IN (SELECT id FROM integration_tokens WHERE status IN (" + REFRESHABLE_SQL + ")"
            + " AND refresh_due_at <= :horizon AND (refresh_failures = 0 OR refresh_due_at <= :now)"
            + " AND (refresh_lease_until IS NULL OR refresh_lease_until <= :now)"
            + " ORDER BY refresh_due_at LIMIT :limit FOR UPDATE SKIP LOCKED)"
            + " RETURNING t.id, t.version, t.provider, t.integration_type, t.refresh_token_ciphertext,"
            + " t.granted_scopes, t.user_id, t.account_subject, t.token_binding";

    private static final String STORE_REFRESHED = "UPDATE integration_tokens SET"
            + " access_token_ciphertext = :access, token_expires_at = :expires, granted_scopes = :scopes,"
            + " refresh_due_at = :due, refresh_lease_until = NULL, refresh_failures = 0, last_refresh_error = NULL,"
            + " last_refreshed_at = :now, updated_at = :now, version = version + 1";

    private final AgroalDataSource database;

    ConnectionRepository(AgroalDataSource database) {
        this.database = database;
    }

    /**
     * A grant leased to this caller by {@link #claimDue}.
     *
     * @param version the row's version after the claim; a result is recorded only at this version
     * @param refreshTokenCiphertext {@code null} when the row has no refresh token
     */
    public record DueGrant(GrantTokens.TokenOwner owner, long version, String integrationType,
            byte[] refreshTokenCiphertext, List<String> scopes) {
    }

    /**
     * The connection, to read only: Hibernate keeps no snapshot of it and does not compare it with one when the
     * transaction ends (for its JSON and list columns that comparison cost more than the read, in profiles of the
     * token hand-out before it read {@link #tokenRows}). Changes made to it are not written.
     */
    public Optional<Connection> findForReading(UUID id) {
        return Optional.ofNullable(getSession().byId(Connection.class).withReadOnly(true).load(id));
    }

    /** The user's connections, oldest first. */
    public List<Connection> listOwnedBy(String userId) {
        return list("userId = ?1 and status <> ?2 order by createdAt, id", userId, ConnectionStatus.REVOKED);
    }

    /** Whether the connection belongs to the user, revoked or not (its history stays theirs). */
    public boolean isOwnedBy(UUID id, String userId) {
        return count("id = ?1 and userId = ?2", id, userId) > 0;
    }

    /** The connection if it exists, belongs to the user and is not revoked. */
    public Optional<Connection> findOwned(UUID id, String userId) {
        return find("id = ?1 and userId = ?2 and status <> ?3", id, userId, ConnectionStatus.REVOKED)
                .firstResultOptional();
    }

    /** The connection of this account, revoked or not. */
    public Optional<Connection> findByAccount(String userId, String integrationType, String provider,
            String accountSubject) {
        return find("userId = ?1 and integrationType = ?2 and provider = ?3 and accountSubject = ?4", userId,
                integrationType, provider, accountSubject).firstResultOptional();
    }

    /**
     * Whether another live connection, of any user, holds a grant of the same provider account. Revoking one token
     * of a Google account revokes the client's whole grant for that account, and with it such a connection.
     */
    public boolean hasLiveSibling(Connection connection) {
        return count("provider = ?1 and accountSubject = ?2 and id <> ?3 and status <> ?4", connection.provider,
                connection.accountSubject, connection.id, ConnectionStatus.REVOKED) > 0;
    }

    /** Whether a live connection, of any user, holds a grant of this provider account. */
    public boolean accountInUse(String provider, String accountSubject) {
        return count("provider = ?1 and accountSubject = ?2 and status <> ?3", provider, accountSubject,
                ConnectionStatus.REVOKED) > 0;
    }

    /** The connection, locked for update, if it still has {@code version} (nobody wrote it since a claim). */
    public Optional<Connection> findLockedAtVersion(UUID id, long version) {
        return Optional.ofNullable(findById(id, LockModeType.PESSIMISTIC_WRITE)).filter(c -> c.version == version);
    }

    /**
     * Claims up to {@code limit} refreshable grants due by {@code horizon}, oldest due first, and leases them until
     * {@code leaseEnd}, in one statement: {@code FOR UPDATE SKIP LOCKED} over the partial index on
     * {@code refresh_due_at} skips rows another replica is claiming. A grant backing off after a failure is taken
     * only once its backoff has passed ({@code now}), a leased one only once its lease has ended.
     */
    public List<DueGrant> claimDue(Instant now, Instant horizon, Instant leaseEnd, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = getEntityManager().createNativeQuery(CLAIM_DUE).setParameter("leaseEnd", leaseEnd)
                .setParameter("horizon", horizon).setParameter("now", now).setParameter("limit", limit)
                .getResultList();
        return rows.stream().map(row -> new DueGrant(new GrantTokens.TokenOwner((UUID) row[0], (String) row[6],
                (String) row[2], (String) row[7], ((Number) row[8]).intValue()), ((Number) row[1]).longValue(),
                (String) row[3], (byte[]) row[4], textArray(row[5]))).toList();
    }

    /**
     * Stores refreshed tokens without loading the row, if it is still {@code active} at {@code version}: the same
     * effect as the entity path of {@link ConnectionLifecycle} for a healthy grant.
     *
     * @param refreshTokenCiphertext {@code null} keeps the stored refresh token
     * @return false if the row changed since the claim or is not {@code active}; nothing was written then
     */
    public boolean storeRefreshed(UUID id, long version, GrantTokens.SealedGrant grant, Instant due, Instant now) {
        boolean rotated = grant.refreshTokenCiphertext() != null;
        Query update = getEntityManager().createNativeQuery(STORE_REFRESHED
                + (rotated ? ", refresh_token_ciphertext = :refresh" : "")
                + " WHERE id = :id AND version = :version AND status = '" + ConnectionStatus.ACTIVE.wireName() + "'")
                .setParameter("access", grant.accessTokenCiphertext())
                .setParameter("expires", grant.expiresAt())
                .setParameter("scopes", grant.grantedScopes().toArray(String[]::new))
                .setParameter("due", due)
                .setParameter("now", now)
                .setParameter("id", id)
                .setParameter("version", version);
        if (rotated) {
            update.setParameter("refresh", grant.refreshTokenCiphertext());
        }
        return update.executeUpdate() == 1;
    }

    /**
     * Stores a rotated refresh token whose refresh result was superseded, if the row still holds the refresh token
     * the refresh used: the provider has already invalidated that one, so dropping the new one would lose the
     * grant. Compare-and-set on the ciphertext; the version moves, so a claim made with the old token is
     * superseded too.
     *
     * @return whether the rotated token was stored
     */
    public boolean keepRotatedRefreshToken(UUID id, byte[] usedCiphertext, byte[] rotatedCiphertext) {
        return getEntityManager().createNativeQuery("UPDATE integration_tokens SET refresh_token_ciphertext = :rotated,"
                + " version = version + 1 WHERE id = :id AND refresh_token_ciphertext = :used")
                .setParameter("rotated", rotatedCiphertext).setParameter("id", id).setParameter("used", usedCiphertext)
                .executeUpdate() == 1;
    }

    /**
     * What handing out a connection's access token needs of its row.
     *
     * @param accessTokenCiphertext {@code null} when no token is stored (a revoked connection)
     * @param account the account's e-mail address, or its provider id when it has none
     */
    public record TokenRow(GrantTokens.TokenOwner owner, ConnectionStatus status, byte[] accessTokenCiphertext,
            Instant expiresAt, List<String> grantedScopes, String account) {
    }

    /**
     * The row's token and what goes with it, read with plain JDBC on a pooled connection (in the caller's
     * transaction, if it has one). Loading the entity instead cost the service more than the rest of a hand-out
     * (Hibernate's load events, every column, the JSON metadata parsed), and nothing of it is changed.
     */
    public Optional<TokenRow> findTokenRow(UUID id) {
        try (java.sql.Connection connection = database.getConnection()) {
            return Optional.ofNullable(tokenRows(connection, List.of(id)).get(id));
        } catch (SQLException e) {
            throw new IllegalStateException("the connection could not be read", e);
        }
    }

    /**
     * The token rows of connections, by id (none for an id that is no connection), read in one query on the given
     * connection: the token hand-outs recorded together read theirs so ({@code ConnectionUses}).
     */
    public static Map<UUID, TokenRow> tokenRows(java.sql.Connection connection, Collection<UUID> ids)
            throws SQLException {
        Map<UUID, TokenRow> rows = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(TOKEN_ROWS)) {
            statement.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    UUID id = row.getObject("id", UUID.class);
                    OffsetDateTime expiresAt = row.getObject("token_expires_at", OffsetDateTime.class);
                    String email = row.getString("account_email");
                    String subject = row.getString("account_subject");
                    rows.put(id, new TokenRow(
                            new GrantTokens.TokenOwner(id, row.getString("user_id"), row.getString("provider"), subject,
                                    row.getInt("token_binding")),
                            ConnectionStatus.fromWireName(row.getString("status")),
                            row.getBytes("access_token_ciphertext"),
                            expiresAt == null ? null : expiresAt.toInstant(), textArray(row.getArray("granted_scopes")),
                            email != null ? email : subject));
                }
            }
        }
        return rows;
    }

    /** A row's token ciphertexts and their owner, for the re-encryption after a key rotation. */
    public record StoredTokens(GrantTokens.TokenOwner owner, byte[] accessTokenCiphertext, byte[] refreshTokenCiphertext) {
    }

    /**
     * Locks up to {@code limit} rows, in id order after {@code after}, to re-encrypt: bound before V6, or holding a
     * token ciphertext not made by the key with {@code keyPrefix}; rows being refreshed (leased) or locked by someone
     * else are skipped.
     */
    public List<StoredTokens> lockToReseal(byte[] keyPrefix, UUID after, Instant now, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = getEntityManager().createNativeQuery("SELECT id, access_token_ciphertext,"
                + " refresh_token_ciphertext, user_id, provider, account_subject, token_binding FROM integration_tokens"
                + " WHERE id > :after AND (" + TO_RESEAL + ")"
                + " AND (refresh_lease_until IS NULL OR refresh_lease_until <= :now)"
                + " ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED")
                .setParameter("after", after).setParameter("prefix", keyPrefix).setParameter("now", now)
                .setParameter("limit", limit).getResultList();
        return rows.stream().map(row -> new StoredTokens(new GrantTokens.TokenOwner((UUID) row[0], (String) row[3],
                (String) row[4], (String) row[5], ((Number) row[6]).intValue()), (byte[]) row[1], (byte[]) row[2]))
                .toList();
    }

    /** How many rows are left to re-encrypt for the key with {@code keyPrefix} (see {@link #lockToReseal}). */
    public long countToReseal(byte[] keyPrefix) {
        return ((Number) getEntityManager().createNativeQuery("SELECT count(*) FROM integration_tokens WHERE "
                + TO_RESEAL).setParameter("prefix", keyPrefix).getSingleResult()).longValue();
    }

    /** Replaces the token ciphertexts and binding of a row this transaction has locked ({@link #lockToReseal}). */
    public void replaceCiphertexts(StoredTokens tokens) {
        getEntityManager().createNativeQuery("UPDATE integration_tokens SET access_token_ciphertext = :access,"
                + " refresh_token_ciphertext = :refresh, token_binding = :binding WHERE id = :id")
                .setParameter("access", tokens.accessTokenCiphertext())
                .setParameter("refresh", tokens.refreshTokenCiphertext())
                .setParameter("binding", tokens.owner().binding()).setParameter("id", tokens.owner().id())
                .executeUpdate();
    }

    private static List<String> textArray(Object value) {
        try {
            Object[] items = value instanceof Array array ? (Object[]) array.getArray() : (Object[]) value;
            return Arrays.stream(items).map(String::valueOf).toList();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
