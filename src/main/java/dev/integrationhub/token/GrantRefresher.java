package dev.integrationhub.token;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionEvents;
import dev.integrationhub.connection.ConnectionRepository;
import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.crypto.DecryptionFailedException;
import dev.integrationhub.http.Backoff;
import dev.integrationhub.provider.Grant;
import dev.integrationhub.provider.Integrations;
import dev.integrationhub.provider.ProviderCallException;
import dev.integrationhub.provider.ProviderClient;
import dev.integrationhub.provider.ProviderSettings;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Refreshes grants, safely across threads and replicas. A refresh is three steps: <em>claim</em> (in a
 * transaction: lock the row, set a lease, remember the row's version), <em>call</em> the provider (no
 * transaction, no lock held), <em>record</em> (in a transaction: only if the row still has the claimed
 * version, so an older or superseded result never overwrites a newer one).
 */
@ApplicationScoped
public class GrantRefresher {

    private static final Logger LOG = Logger.getLogger(GrantRefresher.class);
    static final List<ConnectionStatus> REFRESHABLE = List.of(ConnectionStatus.ACTIVE, ConnectionStatus.DEGRADED);

    /** What a claim found. */
    public sealed interface Claim {
    }

    /** This caller holds the lease and must call {@link #refresh}. */
    public record Claimed(UUID connectionId, long version, String provider, String integrationType,
            String refreshToken, List<String> scopes) implements Claim {

        @Override
        public String toString() {
            return "Claimed[" + connectionId + ", version " + version + "]";
        }
    }

    /** The access token is valid long enough; nothing to do. */
    public record Fresh() implements Claim {
    }

    /** Another caller (thread or replica) holds the lease until then. */
    public record HeldElsewhere(Instant until) implements Claim {
    }

    /** The grant cannot be refreshed: it is gone, or the user must connect again. */
    public record Unrefreshable(boolean needsReauth) implements Claim {
    }

    /** How a refresh ended. */
    public enum Outcome {
        REFRESHED,
        RECOVERED,
        NEEDS_REAUTH,
        RETRYING,
        DEGRADED,
        SUPERSEDED
    }

    private final InstantSource clock;
    private final ConnectionRepository connections;
    private final GrantTokens tokens;
    private final Integrations integrations;
    private final ProviderClient providers;
    private final ConnectionEvents events;
    private final RefreshMetrics metrics;
    private final HubConfig.Refresh config;
    private final Backoff backoff;

    GrantRefresher(ConnectionRepository connections, GrantTokens tokens, Integrations integrations,
            ProviderClient providers, ConnectionEvents events, RefreshMetrics metrics, HubConfig config, InstantSource clock) {
        this.clock = clock;
        this.connections = connections;
        this.tokens = tokens;
        this.integrations = integrations;
        this.providers = providers;
        this.events = events;
        this.metrics = metrics;
        this.config = config.refresh();
        this.backoff = new Backoff(this.config.initialBackoff(), this.config.maxBackoff());
    }

    /**
     * Claims up to {@code limit} due grants, oldest due first, skipping rows another replica has locked
     * ({@code FOR UPDATE SKIP LOCKED} over the partial index on {@code refresh_due_at}), and leases them, in one
     * statement. A healthy grant that falls due before the next run ({@code hub.refresh.interval}) is taken now,
     * so that no grant waits for a tick past its due time; a grant backing off after a failure is taken only
     * once its backoff has passed.
     */
    @Transactional
    public List<Claimed> claimDue(int limit) {
        Instant now = clock.instant();
        Instant leaseEnd = now.plus(config.lease());
        @SuppressWarnings("unchecked")
        List<Object[]> rows = connections.getEntityManager().createNativeQuery("UPDATE integration_tokens t"
                + " SET refresh_lease_until = :leaseEnd, refresh_due_at = :leaseEnd, version = t.version + 1"
                + " WHERE t.id IN (SELECT id FROM integration_tokens WHERE status IN ('active', 'degraded')"
                + " AND refresh_due_at <= :horizon AND (refresh_failures = 0 OR refresh_due_at <= :now)"
                + " ORDER BY refresh_due_at LIMIT :limit FOR UPDATE SKIP LOCKED)"
                + " RETURNING t.id, t.version, t.provider, t.integration_type, t.refresh_token_ciphertext,"
                + " t.granted_scopes")
                .setParameter("leaseEnd", leaseEnd).setParameter("horizon", now.plus(config.interval()))
                .setParameter("now", now).setParameter("limit", limit).getResultList();
        List<Claimed> claims = new ArrayList<>();
        for (Object[] row : rows) {
            UUID id = (UUID) row[0];
            Optional<String> refreshToken = Optional.ofNullable((byte[]) row[4]).flatMap(c -> readable(id, c));
            if (refreshToken.isPresent()) {
                claims.add(new Claimed(id, ((Number) row[1]).longValue(), (String) row[2], (String) row[3],
                        refreshToken.get(), textArray(row[5])));
            } else {
                needsReauth(connections.findById(id), "no usable refresh token");
            }
        }
        return claims;
    }

    private Optional<String> readable(UUID id, byte[] ciphertext) {
        try {
            return Optional.of(tokens.refreshToken(id, ciphertext));
        } catch (DecryptionFailedException e) {
            return Optional.empty();
        }
    }

    private static List<String> textArray(Object value) {
        try {
            Object[] items = value instanceof java.sql.Array array ? (Object[]) array.getArray() : (Object[]) value;
            return Arrays.stream(items).map(String::valueOf).toList();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Claims one grant for a caller that needs a token now, waiting for the row lock: fresh enough, held by
     * another caller, not refreshable, or claimed.
     */
    @Transactional
    public Claim claimForUse(UUID id, Duration validFor) {
        Instant now = clock.instant();
        Connection connection = connections.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (connection == null || connection.status == ConnectionStatus.REVOKED) {
            return new Unrefreshable(false);
        }
        if (connection.status == ConnectionStatus.NEEDS_REAUTH) {
            return new Unrefreshable(true);
        }
        if (connection.tokenExpiresAt != null && connection.tokenExpiresAt.isAfter(now.plus(validFor))) {
            return new Fresh();
        }
        if (connection.refreshLeaseUntil != null && connection.refreshLeaseUntil.isAfter(now)) {
            return new HeldElsewhere(connection.refreshLeaseUntil);
        }
        Optional<Claimed> claim = lease(connection, now);
        return claim.isPresent() ? claim.get() : new Unrefreshable(true);
    }

    /** Calls the provider and records the outcome. Holds no transaction or lock during the call. */
    public Outcome refresh(Claimed claim) {
        long started = System.nanoTime();
        Outcome outcome;
        try {
            ProviderSettings provider = integrations.provider(claim.provider()).orElseThrow(
                    () -> new IllegalStateException("provider " + claim.provider() + " is not configured"));
            Grant grant = providers.refresh(provider, claim.refreshToken(), claim.scopes());
            outcome = QuarkusTransaction.requiringNew().call(() -> recordSuccess(claim, grant));
        } catch (ProviderCallException e) {
            outcome = QuarkusTransaction.requiringNew().call(() -> recordFailure(claim, e));
        }
        metrics.refreshed(outcome.name().toLowerCase(java.util.Locale.ROOT), Duration.ofNanos(System.nanoTime() - started));
        return outcome;
    }

    /** Leases a locked grant to the caller; without a readable refresh token it needs reauthorization instead. */
    private Optional<Claimed> lease(Connection connection, Instant now) {
        Optional<String> refreshToken = Optional.ofNullable(connection.refreshTokenCiphertext)
                .flatMap(ciphertext -> readable(connection.id, ciphertext));
        if (refreshToken.isEmpty()) {
            needsReauth(connection, "no usable refresh token");
            return Optional.empty();
        }
        connection.refreshLeaseUntil = now.plus(config.lease());
        connection.refreshDueAt = connection.refreshLeaseUntil;
        connections.flush();
        return Optional.of(new Claimed(connection.id, connection.version, connection.provider, connection.integrationType,
                refreshToken.get(), List.copyOf(connection.grantedScopes)));
    }

    private Outcome recordSuccess(Claimed claim, Grant grant) {
        List<String> required = integrations.find(claim.integrationType())
                .map(Integrations.OAuthIntegration::requiredScopes).orElse(List.of());
        List<String> missing = required.stream().filter(s -> !grant.grantedScopes().contains(s)).toList();
        if (missing.isEmpty() && tokens.storeRefreshed(claim.connectionId(), claim.version(), grant)) {
            return Outcome.REFRESHED;
        }
        Optional<Connection> current = current(claim);
        if (current.isEmpty()) {
            return Outcome.SUPERSEDED;
        }
        Connection connection = current.get();
        if (!missing.isEmpty()) {
            needsReauth(connection, "refreshed grant lacks " + missing);
            return Outcome.NEEDS_REAUTH;
        }
        boolean recovering = connection.status == ConnectionStatus.DEGRADED;
        tokens.store(connection, grant);
        connection.status = ConnectionStatus.ACTIVE;
        connection.lastRefreshedAt = clock.instant();
        if (recovering) {
            events.publish(ConnectionEvents.RECOVERED, connection);
            LOG.infof("Connection %s recovered", connection.id);
        }
        return recovering ? Outcome.RECOVERED : Outcome.REFRESHED;
    }

    private Outcome recordFailure(Claimed claim, ProviderCallException failure) {
        Optional<Connection> current = current(claim);
        if (current.isEmpty()) {
            return Outcome.SUPERSEDED;
        }
        Connection connection = current.get();
        if (failure.errorCode().filter("invalid_grant"::equals).isPresent()) {
            needsReauth(connection, failure.getMessage());
            return Outcome.NEEDS_REAUTH;
        }
        connection.refreshFailures++;
        connection.lastRefreshError = failure.getMessage();
        connection.refreshLeaseUntil = null;
        connection.refreshDueAt = clock.instant().plus(backoff.next(connection.refreshFailures, failure.retryAfter()));
        LOG.infof("Connection %s: refresh failed %d times (%s), next at %s", connection.id, connection.refreshFailures,
                failure.getMessage(), connection.refreshDueAt);
        if (connection.status == ConnectionStatus.ACTIVE && connection.refreshFailures >= config.degradedAfter()) {
            connection.status = ConnectionStatus.DEGRADED;
            return Outcome.DEGRADED;
        }
        return Outcome.RETRYING;
    }

    /** The connection, locked, if it still has the claimed version (nobody else wrote it since the claim). */
    private Optional<Connection> current(Claimed claim) {
        Connection connection = connections.findById(claim.connectionId(), LockModeType.PESSIMISTIC_WRITE);
        return Optional.ofNullable(connection).filter(c -> c.version == claim.version());
    }

    private void needsReauth(Connection connection, String reason) {
        connection.status = ConnectionStatus.NEEDS_REAUTH;
        connection.refreshDueAt = null;
        connection.refreshLeaseUntil = null;
        connection.lastRefreshError = reason;
        events.publish(ConnectionEvents.NEEDS_REAUTH, connection);
        LOG.infof("Connection %s needs the user to connect again: %s", connection.id, reason);
    }
}
