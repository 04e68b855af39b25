package dev.integrationhub.connection;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ConnectionRepository implements PanacheRepositoryBase<Connection, UUID> {

    /** The user's connections, oldest first (served by the unique index's leading {@code user_id}). */
    public List<Connection> listOwnedBy(String userId) {
        return list("userId = ?1 order by createdAt, id", userId);
    }

    /** The connection if it exists and belongs to the user; another user's connection is not found. */
    public Optional<Connection> findOwned(UUID id, String userId) {
        return find("id = ?1 and userId = ?2", id, userId).firstResultOptional();
    }
}
