package dev.integrationhub.connection.service;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.integrationhub.auth.CurrentCaller.Caller;
import dev.integrationhub.auth.CurrentCaller.PlatformService;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionLifecycle;
import dev.integrationhub.connection.ConnectionRepository;
import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.error.Problem;
import dev.integrationhub.error.ProblemException;

/**
 * Which connection an action (send a mail, upload a file, post a message) acts with, and what the action learnt
 * about it. A person acts with their own connections only, and may leave the choice to the hub when they have one
 * usable connection of the type; a platform service names the connection.
 */
@ApplicationScoped
public class ActionTargets {

    /**
     * The connection an action uses.
     *
     * @param account the account's e-mail address (or provider id), e.g. the sender of a mail
     * @param metadata its metadata, e.g. the Telegram chats it may post to
     */
    public record ActionTarget(UUID id, String userId, String integrationType, String account, ConnectionStatus status,
            Map<String, Object> metadata) {

        /**
         * @throws ProblemException 409 {@code reauth_required} unless the connection can be used (active or
         *         degraded)
         */
        public void requireUsable() {
            if (!status.isRefreshable()) {
                throw ProblemException.reauthRequired("The user must connect this account again before it can be used.");
            }
        }
    }

    private final ConnectionRepository connections;
    private final ConnectionLifecycle lifecycle;

    ActionTargets(ConnectionRepository connections, ConnectionLifecycle lifecycle) {
        this.connections = connections;
        this.lifecycle = lifecycle;
    }

    /**
     * The named connection of this type, or else the person's only usable (active or degraded) one.
     *
     * @throws ProblemException 404 {@code not_found} for an unknown, foreign or revoked id; 404
     *         {@code no_connection} when the person has none of the type; 409 {@code connection_ambiguous}
     *         naming the candidates when they have several; 400 when a platform service names none
     */
    @Transactional
    public ActionTarget resolve(Caller caller, String integrationType, Optional<UUID> id) {
        if (id.isPresent()) {
            Optional<Connection> found = caller instanceof PlatformService
                    ? connections.findByIdOptional(id.get()).filter(c -> c.status != ConnectionStatus.REVOKED)
                    : connections.findOwned(id.get(), caller.subject());
            return found.filter(c -> c.integrationType.equals(integrationType)).map(ActionTargets::target)
                    .orElseThrow(() -> ProblemException.notFound("There is no " + integrationType
                            + " connection with this id."));
        }
        if (caller instanceof PlatformService) {
            throw ProblemException.invalid(List.of(new Problem.FieldError("connection_id",
                    "is required when a platform service acts")));
        }
        List<Connection> ofType = connections.listOwnedBy(caller.subject()).stream()
                .filter(c -> c.integrationType.equals(integrationType)).toList();
        List<Connection> usable = ofType.stream().filter(c -> c.status.isRefreshable()).toList();
        List<Connection> candidates = usable.isEmpty() ? ofType : usable;
        if (candidates.isEmpty()) {
            throw new ProblemException(404, "no_connection", "No connection",
                    "You have no " + integrationType + " connection; connect one first.");
        }
        if (candidates.size() > 1) {
            throw new ProblemException(409, "connection_ambiguous", "Several connections fit",
                    "You have several " + integrationType + " connections; choose one with connection_id.")
                    .withConnections(candidates.stream()
                            .map(c -> new Problem.ConnectionChoice(c.id.toString(), account(c))).toList());
        }
        return target(candidates.getFirst());
    }

    /**
     * The provider refused an action in a way only the user can fix (a scope the grant was thought to hold is
     * missing, the bot was blocked): the user must connect again, and is told why.
     *
     * @param reason what the user must know, without secrets
     */
    @Transactional
    public void markNeedsReauth(UUID id, String reason) {
        Connection connection = connections.findById(id);
        if (connection != null && connection.status.isRefreshable()) {
            lifecycle.markNeedsReauth(connection, reason);
        }
    }

    private static ActionTarget target(Connection connection) {
        return new ActionTarget(connection.id, connection.userId, connection.integrationType, account(connection),
                connection.status, Collections.unmodifiableMap(new HashMap<>(connection.metadata)));
    }

    private static String account(Connection connection) {
        return connection.accountEmail != null ? connection.accountEmail : connection.accountSubject;
    }
}
