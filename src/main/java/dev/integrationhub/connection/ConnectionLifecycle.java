package dev.integrationhub.connection;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.http.Backoff;
import dev.integrationhub.provider.Grant;

/**
 * The one owner of a connection's state: its status ({@code active → degraded → active | needs_reauth},
 * {@code revoked}) and its refresh schedule (due time, lease, failures). Every transition happens here, with its
 * event written to the outbox (and told as a {@link ConnectionFact}) in the same transaction; the only other writers
 * are the two hot-path statements of {@link ConnectionRepository}, which do exactly what the healthy path here does.
 * An ArchUnit rule holds this.
 */
@ApplicationScoped
public class ConnectionLifecycle {

    private static final Logger LOG = Logger.getLogger(ConnectionLifecycle.class);

    private final ConnectionRepository connections;
    private final GrantTokens tokens;
    private final ConnectionEvents events;
    private final Event<ConnectionFact> facts;
    private final InstantSource clock;
    private final HubConfig.Refresh config;
    private final Backoff backoff;

    ConnectionLifecycle(ConnectionRepository connections, GrantTokens tokens, ConnectionEvents events,
            Event<ConnectionFact> facts, HubConfig config, InstantSource clock) {
        this.connections = connections;
        this.tokens = tokens;
        this.events = events;
        this.facts = facts;
        this.clock = clock;
        this.config = config.refresh();
        this.backoff = new Backoff(this.config.initialBackoff(), this.config.maxBackoff());
    }

    /**
     * A connect flow brought a grant: the connection becomes {@code active} with it. A new connection is persisted;
     * a new or revived (after disconnect) one fires {@code connection.created}, one that was degraded or needed
     * reauthorization fires {@code connection.recovered}.
     *
     * @return whether the connection counts as created (new or revived)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean granted(Connection connection, Grant grant, boolean isNew) {
        ConnectionStatus before = connection.status;
        tokens.store(connection, grant);
        activate(connection);
        return announce(connection, before, isNew);
    }

    /**
     * An account was bound without tokens (a Telegram chat through the platform bot): the connection is
     * {@code active} and never refreshed. A new or revived one fires {@code connection.created}, one that needed
     * reauthorization {@code connection.recovered}.
     *
     * @return whether the connection counts as created (new or revived)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean bound(Connection connection, boolean isNew) {
        ConnectionStatus before = connection.status;
        activate(connection);
        return announce(connection, before, isNew);
    }

    /** Persists a new connection and fires {@code created} (new or revived) or {@code recovered} (was unhealthy). */
    private boolean announce(Connection connection, ConnectionStatus before, boolean isNew) {
        if (isNew) {
            connections.persist(connection);
        }
        boolean created = isNew || before == ConnectionStatus.REVOKED;
        if (created) {
            events.publish(ConnectionEvents.CREATED, connection);
        } else if (before != ConnectionStatus.ACTIVE) {
            events.publish(ConnectionEvents.RECOVERED, connection);
            facts.fire(new ConnectionFact.Recovered(connection.id));
        }
        return created;
    }

    /**
     * Gives back the lease of a claimed grant that will not be refreshed by its claimer (its replica is stopping),
     * if the row still has the claimed {@code version}: due at once, for any replica.
     */
    @Transactional
    public void releaseLease(UUID id, long version) {
        connections.findLockedAtVersion(id, version).ifPresent(connection -> {
            connection.refreshLeaseUntil = null;
            connection.refreshDueAt = clock.instant();
        });
    }

    /** Leases a locked grant to a caller that refreshes it now; other callers wait for the lease. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lease(Connection connection) {
        connection.refreshLeaseUntil = clock.instant().plus(config.lease());
        connection.refreshDueAt = connection.refreshLeaseUntil;
        connections.flush();
    }

    /**
     * Records refreshed tokens if the row still has the claimed {@code version}: {@code active} again (a degraded
     * grant recovers), next refresh scheduled; a grant that lacks a required scope needs reauthorization instead.
     * A superseded result still keeps a rotated refresh token while the row holds the one the refresh used.
     *
     * @param owner the row, as the claim found it (its binding does not change while it is leased)
     * @param usedRefreshToken the ciphertext of the refresh token the refresh was made with
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public RefreshOutcome recordRefreshed(GrantTokens.TokenOwner owner, long version, byte[] usedRefreshToken,
            Grant grant, List<String> missingScopes) {
        UUID id = owner.id();
        GrantTokens.SealedGrant sealed = tokens.seal(owner, grant);
        if (missingScopes.isEmpty()
                && connections.storeRefreshed(id, version, sealed, dueAt(grant.expiresAt()), clock.instant())) {
            facts.fire(new ConnectionFact.Refreshed(id));
            return RefreshOutcome.REFRESHED;
        }
        Optional<Connection> current = connections.findLockedAtVersion(id, version);
        if (current.isEmpty()) {
            if (sealed.refreshTokenCiphertext() != null
                    && connections.keepRotatedRefreshToken(id, usedRefreshToken, sealed.refreshTokenCiphertext())) {
                LOG.infof("Connection %s: superseded refresh result, its rotated refresh token kept", id);
            }
            return RefreshOutcome.SUPERSEDED;
        }
        Connection connection = current.get();
        if (!missingScopes.isEmpty()) {
            markNeedsReauth(connection, "refreshed grant lacks " + missingScopes);
            return RefreshOutcome.NEEDS_REAUTH;
        }
        boolean recovering = connection.status == ConnectionStatus.DEGRADED;
        tokens.store(connection, sealed);
        activate(connection);
        facts.fire(new ConnectionFact.Refreshed(id));
        if (recovering) {
            events.publish(ConnectionEvents.RECOVERED, connection);
            facts.fire(new ConnectionFact.Recovered(id));
            LOG.infof("Connection %s recovered", connection.id);
            return RefreshOutcome.RECOVERED;
        }
        return RefreshOutcome.REFRESHED;
    }

    /**
     * Records a refresh that failed transiently, if the row still has the claimed {@code version}: retried after
     * a backoff (never sooner than {@code retryAfter}); an {@code active} grant becomes {@code degraded} after
     * {@code hub.refresh.degraded-after} failures in a row.
     *
     * @param error why, without secrets
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public RefreshOutcome recordTransientFailure(UUID id, long version, String error, Optional<Duration> retryAfter) {
        Optional<Connection> current = connections.findLockedAtVersion(id, version);
        if (current.isEmpty()) {
            return RefreshOutcome.SUPERSEDED;
        }
        Connection connection = current.get();
        connection.refreshFailures++;
        connection.lastRefreshError = error;
        connection.refreshLeaseUntil = null;
        connection.refreshDueAt = clock.instant().plus(backoff.next(connection.refreshFailures, retryAfter));
        LOG.infof("Connection %s: refresh failed %d times (%s), next at %s", connection.id, connection.refreshFailures,
                error, connection.refreshDueAt);
        if (connection.status == ConnectionStatus.ACTIVE && connection.refreshFailures >= config.degradedAfter()) {
            connection.status = ConnectionStatus.DEGRADED;
            return RefreshOutcome.DEGRADED;
        }
        return RefreshOutcome.RETRYING;
    }

    /** Records that the provider will not refresh the grant any more, if the row still has the claimed version. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public RefreshOutcome recordNeedsReauth(UUID id, long version, String reason) {
        Optional<Connection> current = connections.findLockedAtVersion(id, version);
        current.ifPresent(connection -> markNeedsReauth(connection, reason));
        return current.isPresent() ? RefreshOutcome.NEEDS_REAUTH : RefreshOutcome.SUPERSEDED;
    }

    /**
     * The user must connect again ({@code invalid_grant}, a missing scope, an unreadable refresh token): refresh
     * stops and {@code connection.needs_reauth} fires.
     *
     * @param reason why, without secrets
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void markNeedsReauth(Connection connection, String reason) {
        connection.status = ConnectionStatus.NEEDS_REAUTH;
        connection.refreshDueAt = null;
        connection.refreshLeaseUntil = null;
        connection.lastRefreshError = reason;
        events.publish(ConnectionEvents.NEEDS_REAUTH, connection);
        facts.fire(new ConnectionFact.NeedsReauth(connection.id, reason));
        LOG.infof("Connection %s needs the user to connect again: %s", connection.id, reason);
    }

    /** Disconnected: the tokens are destroyed, refresh stops, and {@code connection.revoked} fires. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void revoke(Connection connection) {
        tokens.destroy(connection);
        connection.status = ConnectionStatus.REVOKED;
        connection.refreshDueAt = null;
        connection.refreshLeaseUntil = null;
        events.publish(ConnectionEvents.REVOKED, connection);
    }

    /** Healthy with freshly stored tokens: scheduled {@code hub.refresh.lead-time} before expiry if refreshable. */
    private void activate(Connection connection) {
        connection.status = ConnectionStatus.ACTIVE;
        connection.lastRefreshedAt = clock.instant();
        connection.refreshDueAt = connection.refreshTokenCiphertext == null ? null
                : dueAt(connection.tokenExpiresAt);
        connection.refreshLeaseUntil = null;
        connection.refreshFailures = 0;
        connection.lastRefreshError = null;
    }

    private Instant dueAt(Instant expiresAt) {
        return expiresAt.minus(config.leadTime());
    }
}
