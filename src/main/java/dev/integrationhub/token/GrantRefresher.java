package dev.integrationhub.token;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionLifecycle;
import dev.integrationhub.connection.ConnectionRepository;
import dev.integrationhub.connection.ConnectionRepository.DueGrant;
import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.connection.RefreshOutcome;
import dev.integrationhub.crypto.DecryptionFailedException;
import dev.integrationhub.crypto.SecretCipher;
import dev.integrationhub.error.DatabaseOutage;
import dev.integrationhub.provider.Grant;
import dev.integrationhub.provider.Integrations;
import dev.integrationhub.provider.ProviderCallException;
import dev.integrationhub.provider.ProviderClient;
import dev.integrationhub.provider.ProviderSettings;
import io.opentelemetry.instrumentation.annotations.WithSpan;

/**
 * Refreshes grants, safely across threads and replicas. A refresh is three steps: <em>claim</em> (in a
 * transaction: lock the row, set a lease, remember the row's version), <em>call</em> the provider (no
 * transaction, no lock held), <em>record</em> the result through {@link ConnectionLifecycle}, which writes only
 * if the row still has the claimed version, so an older or superseded result never overwrites a newer one.
 */
@ApplicationScoped
public class GrantRefresher {

    private static final Logger LOG = Logger.getLogger(GrantRefresher.class);
    private static final String NO_REFRESH_TOKEN = "no usable refresh token";
    /** How long a refreshed result waits before it is recorded again while the database is out of reach. */
    static final Duration RECORD_RETRY = Duration.ofMillis(500);

    /** What a claim found. */
    public sealed interface Claim {
    }

    /**
     * This caller holds the lease and must call {@link #refresh}.
     *
     * @param refreshTokenCiphertext the stored form of {@code refreshToken}, to recognise it when recording
     * @param leaseUntil when the lease ends and another caller may claim the grant
     */
    public record Claimed(GrantTokens.TokenOwner owner, long version, String integrationType, String refreshToken,
            byte[] refreshTokenCiphertext, List<String> scopes, Instant leaseUntil) implements Claim {

        public UUID connectionId() {
            return owner.id();
        }

        public String provider() {
            return owner.provider();
        }

        @Override
        public String toString() {
            return "Claimed[" + owner.id() + ", version " + version + "]";
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

    /** The last refresh failed transiently and the grant is backing off until then; no provider call now. */
    public record BackingOff(Instant until) implements Claim {
    }

    /**
     * The stored refresh token cannot be decrypted (a keyset that lacks its key): an operations fault, counted and
     * logged; the grant's status is left alone.
     */
    public record Unreadable() implements Claim {
    }

    private final ConnectionRepository connections;
    private final ConnectionLifecycle lifecycle;
    private final GrantTokens tokens;
    private final Integrations integrations;
    private final ProviderClient providers;
    private final RefreshMetrics metrics;
    private final ProviderCallSlots callSlots;
    private final HubConfig.Refresh config;
    private final InstantSource clock;

    GrantRefresher(ConnectionRepository connections, ConnectionLifecycle lifecycle, GrantTokens tokens,
            Integrations integrations, ProviderClient providers, RefreshMetrics metrics, ProviderCallSlots callSlots,
            HubConfig config, InstantSource clock) {
        this.connections = connections;
        this.lifecycle = lifecycle;
        this.tokens = tokens;
        this.integrations = integrations;
        this.providers = providers;
        this.metrics = metrics;
        this.callSlots = callSlots;
        this.config = config.refresh();
        this.clock = clock;
    }

    /**
     * Claims up to {@code limit} due grants, oldest due first, skipping rows another replica is claiming. A healthy
     * grant that falls due before the next run ({@code hub.refresh.interval}) is taken now, so that no grant waits
     * for a tick past its due time; a grant backing off after a failure is taken only once its backoff has passed.
     * A grant without a readable refresh token needs reauthorization instead.
     */
    @Transactional
    @WithSpan("refresh.claim_due")
    public List<Claimed> claimDue(int limit) {
        Instant now = clock.instant();
        Instant leaseUntil = now.plus(config.lease());
        List<Claimed> claims = new ArrayList<>();
        for (DueGrant due : connections.claimDue(now, now.plus(config.interval()), leaseUntil, limit)) {
            if (due.refreshTokenCiphertext() == null) {
                lifecycle.markNeedsReauth(connections.findById(due.owner().id()), NO_REFRESH_TOKEN);
                continue;
            }
            readable(due.owner(), due.refreshTokenCiphertext())
                    .ifPresent(refreshToken -> claims.add(new Claimed(due.owner(), due.version(), due.integrationType(),
                            refreshToken, due.refreshTokenCiphertext(), due.scopes(), leaseUntil)));
        }
        return claims;
    }

    /**
     * Claims one grant for a caller that needs a token now, waiting for the row lock: fresh enough, held by
     * another caller, not refreshable, or claimed.
     *
     * @param rejected an access token the provider refused although it had not expired: the stored token is not
     *        fresh while it is still this one
     */
    @Transactional
    public Claim claimForUse(UUID id, Duration validFor, Optional<String> rejected) {
        Instant now = clock.instant();
        Connection connection = connections.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (connection == null || !connection.status.isRefreshable()) {
            return new Unrefreshable(connection != null && connection.status == ConnectionStatus.NEEDS_REAUTH);
        }
        if (connection.tokenExpiresAt != null && connection.tokenExpiresAt.isAfter(now.plus(validFor))
                && (rejected.isEmpty() || !rejected.equals(tokens.accessToken(connection)))) {
            return new Fresh();
        }
        if (connection.refreshLeaseUntil != null && connection.refreshLeaseUntil.isAfter(now)) {
            return new HeldElsewhere(connection.refreshLeaseUntil);
        }
        if (connection.refreshFailures > 0 && connection.refreshDueAt != null && connection.refreshDueAt.isAfter(now)) {
            return new BackingOff(connection.refreshDueAt);
        }
        if (connection.refreshTokenCiphertext == null) {
            lifecycle.markNeedsReauth(connection, NO_REFRESH_TOKEN);
            return new Unrefreshable(true);
        }
        GrantTokens.TokenOwner owner = GrantTokens.TokenOwner.of(connection);
        Optional<String> refreshToken = readable(owner, connection.refreshTokenCiphertext);
        if (refreshToken.isEmpty()) {
            return new Unreadable();
        }
        lifecycle.lease(connection);
        return new Claimed(owner, connection.version, connection.integrationType, refreshToken.get(),
                connection.refreshTokenCiphertext, List.copyOf(connection.grantedScopes), connection.refreshLeaseUntil);
    }

    /** Gives a claim back unrefreshed (the replica is stopping): the grant is due again at once, for any replica. */
    public void release(Claimed claim) {
        lifecycle.releaseLease(claim.connectionId(), claim.version());
    }

    /**
     * Calls the provider and records the outcome. Holds no transaction or lock during the call. The caller holds
     * one of the replica's provider call slots ({@link ProviderCallSlots}); it is given back as soon as the provider
     * has answered, so that recording the result does not keep the next refresh from calling (with the slot held
     * through the recording too, a replica reached only ~0.8 of {@code max-concurrency / provider latency}).
     */
    @WithSpan("refresh.grant")
    public RefreshOutcome refresh(Claimed claim) {
        long started = System.nanoTime();
        RefreshOutcome outcome;
        try {
            Grant grant;
            try {
                ProviderSettings provider = integrations.provider(claim.provider()).orElseThrow(
                        () -> new IllegalStateException("provider " + claim.provider() + " is not configured"));
                grant = providers.refresh(provider, claim.refreshToken(), claim.scopes());
            } finally {
                callSlots.release();
            }
            outcome = recordRefreshed(claim, grant);
        } catch (ProviderCallException e) {
            outcome = e.errorCode().filter("invalid_grant"::equals).isPresent()
                    ? lifecycle.recordNeedsReauth(claim.connectionId(), claim.version(), e.getMessage())
                    : lifecycle.recordTransientFailure(claim.connectionId(), claim.version(), e.getMessage(),
                            e.retryAfter());
        }
        metrics.refreshed(outcome, Duration.ofNanos(System.nanoTime() - started));
        return outcome;
    }

    /**
     * Records a refresh the provider has answered. The answer may hold a rotated refresh token for which the provider
     * has already retired the stored one, so it is not dropped while the database is out of reach (restarting): it
     * is recorded again every {@link #RECORD_RETRY} until the claim's lease ends, after which another caller may
     * claim the grant.
     */
    private RefreshOutcome recordRefreshed(Claimed claim, Grant grant) {
        List<String> missingScopes = missingScopes(claim.integrationType(), grant);
        long deadline = System.nanoTime() + Duration.between(clock.instant(), claim.leaseUntil()).toNanos();
        for (int attempt = 1;; attempt++) {
            try {
                return lifecycle.recordRefreshed(claim.owner(), claim.version(), claim.refreshTokenCiphertext(), grant,
                        missingScopes);
            } catch (RuntimeException e) {
                if (!DatabaseOutage.isCause(e) || System.nanoTime() + RECORD_RETRY.toNanos() >= deadline) {
                    throw e;
                }
                if (attempt == 1) {
                    LOG.warnf("Connection %s: refreshed, but the database is out of reach; the result is held and"
                            + " recorded again every %d ms until %s", claim.connectionId(), RECORD_RETRY.toMillis(),
                            claim.leaseUntil());
                }
                try {
                    Thread.sleep(RECORD_RETRY);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private List<String> missingScopes(String integrationType, Grant grant) {
        return integrations.find(integrationType).map(Integrations.OAuthIntegration::requiredScopes).orElse(List.of())
                .stream().filter(scope -> !grant.grantedScopes().contains(scope)).toList();
    }

    /** The refresh token; empty, counted and logged (without a secret) when the keyset cannot decrypt it. */
    private Optional<String> readable(GrantTokens.TokenOwner owner, byte[] ciphertext) {
        UUID id = owner.id();
        try {
            return Optional.of(tokens.refreshToken(owner, ciphertext));
        } catch (DecryptionFailedException e) {
            metrics.unreadable();
            LOG.errorf("Connection %s: the refresh token cannot be decrypted by the configured keyset (key id %d);"
                    + " not refreshed, status left alone: add the missing key to hub.crypto.keyset", id,
                    SecretCipher.keyId(ciphertext));
            return Optional.empty();
        }
    }
}
