package dev.integrationhub.token;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;

import dev.integrationhub.auth.CurrentCaller.Caller;
import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.ConnectionRepository;
import dev.integrationhub.connection.ConnectionRepository.TokenRow;
import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.connection.service.ConnectionUses;
import dev.integrationhub.connection.service.ConnectionUses.HandedOut;
import dev.integrationhub.error.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The one way code gets a usable access token for a connection (internal API, Gmail, Drive, Telegram). A token
 * that expires within {@link #VALID_FOR} is refreshed first: single-flight per connection in this replica
 * (all waiting threads share one refresh), and across replicas through the row's lease and version; the provider
 * call takes one of the replica's {@link ProviderCallSlots}, as the scheduled refresh does.
 */
@ApplicationScoped
public class AccessTokens {

    /** A handed-out token is valid for at least this long. */
    static final Duration VALID_FOR = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(100);
    /** What a caller is told to wait when no token can be had now. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    /**
     * A usable access token and what it is for. Never carries the refresh token.
     *
     * @param ownerId the connection's owner (whom its uses are shown to)
     */
    public record AccessToken(UUID connectionId, String ownerId, String token, Instant expiresAt, List<String> scopes,
            String account) {

        @Override
        public String toString() {
            return "AccessToken[" + connectionId + ", expires " + expiresAt + "]";
        }
    }

    private final InstantSource clock;
    private final ConnectionRepository connections;
    private final GrantTokens tokens;
    private final GrantRefresher refresher;
    private final ConnectionUses uses;
    private final ProviderCallSlots callSlots;
    private final Duration patience;
    private final ConcurrentHashMap<UUID, CompletableFuture<AccessToken>> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService refreshes = Executors.newVirtualThreadPerTaskExecutor();

    AccessTokens(ConnectionRepository connections, GrantTokens tokens, GrantRefresher refresher, ConnectionUses uses,
            ProviderCallSlots callSlots, HubConfig config, InstantSource clock) {
        this.clock = clock;
        this.connections = connections;
        this.tokens = tokens;
        this.refresher = refresher;
        this.uses = uses;
        this.callSlots = callSlots;
        this.patience = config.providerCalls().timeout().multipliedBy(3);
    }

    /**
     * A token valid for at least a minute, handed out to the caller: its hand-out is recorded
     * ({@link ConnectionUses#recordHandOut}) before this returns. A token that is still valid is read and recorded
     * with the hand-outs of the same moment ({@link ConnectionUses#handOutIfValid}); else it is refreshed first.
     *
     * @param action the audit action of the hand-out
     * @throws ProblemException as {@link #forConnection}
     */
    public AccessToken handOut(Caller caller, UUID id, String action) {
        Optional<HandedOut> current = uses.handOutIfValid(caller, id, clock.instant().plus(VALID_FOR), action);
        if (current.isPresent()) {
            return accessToken(current.get().row(), current.get().accessToken());
        }
        AccessToken token = forConnection(id);
        uses.recordHandOut(caller, id, token.ownerId(), token.expiresAt(), action);
        return token;
    }

    /**
     * A token valid for at least a minute. A token that is still valid is read without a transaction of its own
     * (in the caller's, if it has one): one query, where a transaction's begin and commit cost the database as
     * much again (bench/reads.sh measured 0.083 against 0.048 ms of PostgreSQL CPU per request for the primary-key
     * read alone).
     *
     * @throws ProblemException 404 {@code not_found}, 409 {@code reauth_required}, 503 {@code provider_unavailable}
     */
    @ActivateRequestContext
    public AccessToken forConnection(UUID id) {
        AccessToken current = read(id);
        if (current.expiresAt() != null && current.expiresAt().isAfter(clock.instant().plus(VALID_FOR))) {
            return current;
        }
        return refreshed(id, Optional.empty());
    }

    /**
     * A token to use instead of one the provider refused (HTTP 401) before it expired: refreshed now, unless
     * another caller already replaced it. Callers ask once per refused request, never in a loop.
     *
     * @throws ProblemException as {@link #forConnection}; 503 {@code provider_unavailable} when no other token can
     *         be had now
     */
    public AccessToken replacing(AccessToken rejected) {
        AccessToken replacement = refreshed(rejected.connectionId(), Optional.of(rejected.token()));
        if (replacement.token().equals(rejected.token())) {
            throw unavailable();
        }
        return replacement;
    }

    private AccessToken refreshed(UUID id, Optional<String> rejected) {
        CompletableFuture<AccessToken> flight = inFlight.computeIfAbsent(id,
                key -> CompletableFuture.supplyAsync(() -> refreshNow(key, rejected), refreshes));
        flight.whenComplete((token, failure) -> inFlight.remove(id, flight));
        try {
            return flight.get(patience.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw unavailable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        }
    }

    private AccessToken refreshNow(UUID id, Optional<String> rejected) {
        Instant giveUp = clock.instant().plus(patience);
        while (true) {
            switch (refresher.claimForUse(id, VALID_FOR, rejected)) {
                case GrantRefresher.Fresh fresh -> {
                    return QuarkusTransaction.requiringNew().call(() -> read(id));
                }
                case GrantRefresher.Unrefreshable unrefreshable -> throw unrefreshable.needsReauth() ? reauthRequired()
                        : notFound();
                case GrantRefresher.BackingOff backingOff -> {
                    return stillValid(id);
                }
                case GrantRefresher.Unreadable unreadable -> {
                    return stillValid(id);
                }
                case GrantRefresher.HeldElsewhere held -> {
                    if (clock.instant().isAfter(giveUp)) {
                        throw unavailable();
                    }
                    sleep();
                }
                case GrantRefresher.Claimed claimed -> {
                    if (!callSlot(giveUp)) {
                        refresher.release(claimed);
                        return stillValid(id);
                    }
                    switch (refresher.refresh(claimed)) {
                        case REFRESHED, RECOVERED -> {
                            return QuarkusTransaction.requiringNew().call(() -> read(id));
                        }
                        case NEEDS_REAUTH -> throw reauthRequired();
                        case SUPERSEDED -> sleep();
                        case RETRYING, DEGRADED -> {
                            return stillValid(id);
                        }
                    }
                }
            }
        }
    }

    /** Waits for one of the replica's provider call slots until {@code giveUp}; whether one was taken. */
    private boolean callSlot(Instant giveUp) {
        try {
            return callSlots.acquire(Duration.between(clock.instant(), giveUp));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        }
    }

    /** The current token while it is still valid, when no refresh is possible now; else 503. */
    private AccessToken stillValid(UUID id) {
        AccessToken current = QuarkusTransaction.requiringNew().call(() -> read(id));
        if (current.expiresAt() != null && current.expiresAt().isAfter(clock.instant())) {
            return current;
        }
        throw unavailable();
    }

    private AccessToken read(UUID id) {
        TokenRow row = connections.findTokenRow(id).orElse(null);
        if (row == null || !row.status().isRefreshable()) {
            throw row != null && row.status() == ConnectionStatus.NEEDS_REAUTH ? reauthRequired() : notFound();
        }
        if (row.accessTokenCiphertext() == null) {
            throw notFound();
        }
        return accessToken(row, tokens.accessToken(row.owner(), row.accessTokenCiphertext()));
    }

    private static AccessToken accessToken(TokenRow row, String token) {
        return new AccessToken(row.owner().id(), row.owner().userId(), token, row.expiresAt(), row.grantedScopes(),
                row.account());
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        }
    }

    private ProblemException notFound() {
        return ProblemException.notFound("There is no connection with this id.");
    }

    private static ProblemException reauthRequired() {
        return ProblemException.reauthRequired("The user must connect this account again before it can be used.");
    }

    private static ProblemException unavailable() {
        return new ProblemException(503, "provider_unavailable", "Provider unavailable",
                "The provider cannot refresh this grant right now; try again later.").withRetryAfter(RETRY_AFTER);
    }

    @PreDestroy
    void stop() {
        refreshes.shutdownNow();
    }
}
