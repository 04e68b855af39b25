package dev.integrationhub.connection;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/**
 * Connections. The queries of one user are served by the leading {@code user_id} of the unique index on
 * (user, integration type, provider, account). A {@code revoked} connection is kept (its tokens destroyed) so
 * that reconnecting the account revives the same id, but users no longer see it.
 */
@ApplicationScoped
public class ConnectionRepository implements PanacheRepositoryBase<Connection, UUID> {

    /** The user's connections, oldest first. */
    public List<Connection> listOwnedBy(String userId) {
        return list("userId = ?1 and status <> ?2 order by createdAt, id", userId, ConnectionStatus.REVOKED);
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

    /** Whether another live connection of the user holds a grant of the same provider account. */
    public boolean hasLiveSibling(Connection connection) {
        return count("userId = ?1 and provider = ?2 and accountSubject = ?3 and id <> ?4 and status <> ?5",
                connection.userId, connection.provider, connection.accountSubject, connection.id,
                ConnectionStatus.REVOKED) > 0;
    }
}
