package dev.integrationhub.oauth.service;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.hibernate.jpa.SpecHints;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.crypto.AssociatedData;
import dev.integrationhub.crypto.DecryptionFailedException;
import dev.integrationhub.crypto.FlowSecrets;
import dev.integrationhub.crypto.SecretCipher;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.oauth.OAuthFlow;
import dev.integrationhub.provider.Grant;
import dev.integrationhub.provider.ProviderAccount;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;

/**
 * Connect flows in the database. Each step moves a flow forward with a conditional update, so a handle
 * authorizes once and a state is used once, even when two requests race on two replicas.
 */
@ApplicationScoped
public class FlowStore {

    private static final Logger LOG = Logger.getLogger(FlowStore.class);
    static final String VERIFIER_KIND = "oauth_flows.pkce_verifier";
    private static final int PURGE_BATCH = 1000;
    static final String HELD_GRANT_KIND = "oauth_flows.held_grant";

    private final OAuthFlowRepository rows;
    private final InstantSource clock;
    private final SecretCipher cipher;
    private final ObjectMapper json;
    private final Duration ttl;
    private final int maxOpenPerUser;

    FlowStore(OAuthFlowRepository rows, SecretCipher cipher, ObjectMapper json, HubConfig config, InstantSource clock) {
        this.rows = rows;
        this.json = json;
        this.clock = clock;
        this.cipher = cipher;
        this.ttl = config.flow().ttl();
        this.maxOpenPerUser = config.flow().maxOpenPerUser();
    }

    /** A new flow; its handle (for the {@code oauth_url}) is returned once and stored only as a hash. */
    public record StartedFlow(UUID id, String handle, Instant expiresAt) {
    }

    /** A flow whose browser is being sent to the provider, with the values only this response may carry. */
    public record AuthorizedFlow(OAuthFlow flow, String state, String binding, String pkceChallenge) {
    }

    /** The outcome of presenting a state at the callback. */
    public sealed interface Claim {
    }

    /** The flow is now used by this callback. */
    public record Claimed(OAuthFlow flow, String pkceVerifier) implements Claim {
    }

    /**
     * The callback cannot use the flow; nothing was changed.
     *
     * @param flow the flow the state names, if it names one
     */
    public record Rejected(String code, Optional<OAuthFlow> flow) implements Claim {
    }

    /**
     * A grant won by a callback, held with its flow until the user who started the flow confirms it. Stored only
     * encrypted, bound to the flow; never printed with its tokens.
     */
    @RegisterForReflection // stored as JSON by the ObjectMapper
    public record HeldGrant(String accessToken, String refreshToken, Instant expiresAt, List<String> grantedScopes,
            String accountSubject, String accountEmail) {

        static HeldGrant of(Grant grant, ProviderAccount account) {
            return new HeldGrant(grant.accessToken(), grant.refreshToken(), grant.expiresAt(), grant.grantedScopes(),
                    account.subject(), account.email());
        }

        public Grant grant() {
            return new Grant(accessToken, refreshToken, expiresAt, grantedScopes);
        }

        public ProviderAccount account() {
            return new ProviderAccount(accountSubject, accountEmail);
        }

        @Override
        public String toString() {
            return "HeldGrant[" + accountSubject + ", " + grant() + "]";
        }
    }

    /** A flow whose held grant was taken out of it: by its confirmation, or because it expired unconfirmed. */
    public record Released(OAuthFlow flow, HeldGrant grant) {
    }

    /**
     * Starts a flow for the user.
     *
     * @throws ProblemException 429 {@code too_many_flows} when the user already has {@code hub.flow.max-open-per-user}
     *         unused, unexpired flows
     */
    @Transactional
    public StartedFlow start(String userId, String integrationType, String provider, String returnTo, String display) {
        if (rows.count("userId = ?1 and usedAt is null and expiresAt > ?2", userId, clock.instant()) >= maxOpenPerUser) {
            throw new ProblemException(429, "too_many_flows", "Too many connect flows",
                    "You have too many connect flows in progress; finish one or wait until they expire.");
        }
        String handle = FlowSecrets.random();
        OAuthFlow flow = new OAuthFlow();
        flow.id = UUID.randomUUID();
        flow.handleHash = FlowSecrets.sha256(handle);
        flow.userId = userId;
        flow.integrationType = integrationType;
        flow.provider = provider;
        flow.pkceVerifierCiphertext = cipher.encryptString(FlowSecrets.random(), verifierData(flow.id));
        flow.returnTo = returnTo;
        flow.display = display;
        flow.createdAt = clock.instant();
        flow.expiresAt = flow.createdAt.plus(ttl);
        rows.persist(flow);
        return new StartedFlow(flow.id, handle, flow.expiresAt);
    }

    /** Sends a flow to the provider, once: empty if the handle is unknown, expired, or was used before. */
    @Transactional
    public Optional<AuthorizedFlow> authorize(String handle) {
        if (handle == null || handle.length() > 100) {
            return Optional.empty();
        }
        byte[] handleHash = FlowSecrets.sha256(handle);
        String state = FlowSecrets.random();
        String binding = FlowSecrets.random();
        int updated = rows.update("stateHash = ?1, bindingHash = ?2, authorizedAt = ?3"
                + " where handleHash = ?4 and authorizedAt is null and usedAt is null and expiresAt > ?3",
                FlowSecrets.sha256(state), FlowSecrets.sha256(binding), clock.instant(), handleHash);
        if (updated != 1) {
            return Optional.empty();
        }
        OAuthFlow flow = rows.find("handleHash", handleHash).singleResult();
        String verifier = cipher.decryptString(flow.pkceVerifierCiphertext, verifierData(flow.id));
        return Optional.of(new AuthorizedFlow(flow, state, binding, FlowSecrets.pkceChallenge(verifier)));
    }

    /**
     * Uses the flow that {@code state} names, if the request comes from the browser that authorized it and the
     * flow is unused and unexpired. Exactly one of several racing callbacks with one state can succeed.
     *
     * @param presentedBinding the binding value the request presents for a flow id, if any
     */
    @Transactional
    public Claim claim(String state, Function<UUID, Optional<String>> presentedBinding) {
        if (state == null || state.isBlank()) {
            return new Rejected("state_missing", Optional.empty());
        }
        if (state.length() > 100) {
            return new Rejected("state_unknown", Optional.empty());
        }
        Optional<OAuthFlow> found = rows.find("stateHash", (Object) FlowSecrets.sha256(state)).firstResultOptional();
        if (found.isEmpty()) {
            return new Rejected("state_unknown", Optional.empty());
        }
        OAuthFlow flow = found.get();
        String binding = presentedBinding.apply(flow.id).orElse(null);
        Instant now = clock.instant();
        String problem = flow.usedAt != null ? "state_used"
                : !flow.expiresAt.isAfter(now) ? "state_expired"
                        : binding == null ? "binding_missing"
                                : !FlowSecrets.matches(binding, flow.bindingHash) ? "binding_mismatch" : null;
        if (problem != null) {
            return new Rejected(problem, found);
        }
        if (rows.update("usedAt = ?1 where id = ?2 and usedAt is null", now, flow.id) != 1) {
            return new Rejected("state_used", found);
        }
        return new Claimed(flow, cipher.decryptString(flow.pkceVerifierCiphertext, verifierData(flow.id)));
    }

    /**
     * Holds the grant a callback won with its flow, encrypted, until the flow's user confirms it.
     *
     * @return the one-time confirmation code (stored only as a hash), for the browser that finished the flow
     */
    @Transactional
    public String hold(UUID flowId, Grant grant, ProviderAccount account) {
        String confirmation = FlowSecrets.random();
        byte[] held;
        try {
            held = cipher.encrypt(json.writeValueAsBytes(HeldGrant.of(grant, account)), heldData(flowId));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize a held grant", e);
        }
        rows.update("confirmationHash = ?1, heldGrantCiphertext = ?2 where id = ?3", FlowSecrets.sha256(confirmation),
                held, flowId);
        return confirmation;
    }

    /**
     * Redeems a confirmation code, once, within its flow's lifetime: the held grant leaves the flow (which keeps
     * none) and goes to the caller, in the caller's transaction. Empty if the code is unknown, used or expired.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Released> redeem(String confirmation) {
        if (confirmation == null || confirmation.length() > 100) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return rows.find("confirmationHash = ?1 and confirmedAt is null and heldGrantCiphertext is not null"
                + " and expiresAt > ?2", FlowSecrets.sha256(confirmation), now)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional()
                .flatMap(flow -> {
                    flow.confirmedAt = now;
                    return release(flow);
                });
    }

    /**
     * Takes the held grants out of up to {@code limit} flows that expired unconfirmed, skipping flows another
     * replica is releasing; the caller revokes them in the same transaction.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Released> releaseExpired(int limit) {
        return rows.find("heldGrantCiphertext is not null and expiresAt <= ?1 order by expiresAt", clock.instant())
                .withLock(LockModeType.PESSIMISTIC_WRITE).withHint(SpecHints.HINT_SPEC_LOCK_TIMEOUT, -2)
                .page(0, limit).list().stream().flatMap(flow -> release(flow).stream()).toList();
    }

    /**
     * Deletes flows a day after they expired, in batches of their own transactions; until then they can no longer
     * be used, only inspected. A flow still holding a grant waits for {@link #releaseExpired}, which revokes it.
     *
     * @return how many were deleted
     */
    public int purgeExpired() {
        Instant before = clock.instant().minus(Duration.ofDays(1));
        int total = 0;
        int deleted;
        do {
            deleted = QuarkusTransaction.requiringNew().call(() -> rows.getEntityManager().createNativeQuery(
                    "DELETE FROM oauth_flows WHERE id IN (SELECT id FROM oauth_flows WHERE expires_at < :before"
                            + " AND held_grant_ciphertext IS NULL LIMIT :limit)")
                    .setParameter("before", before).setParameter("limit", PURGE_BATCH).executeUpdate());
            total += deleted;
        } while (deleted == PURGE_BATCH);
        return total;
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeOnSchedule() {
        purgeExpired();
    }

    /** Takes the held grant out of its flow; one that cannot be read is destroyed and logged (no secret). */
    private Optional<Released> release(OAuthFlow flow) {
        byte[] ciphertext = flow.heldGrantCiphertext;
        flow.heldGrantCiphertext = null;
        try {
            return Optional.of(new Released(flow,
                    json.readValue(cipher.decrypt(ciphertext, heldData(flow.id)), HeldGrant.class)));
        } catch (DecryptionFailedException | IOException e) {
            LOG.errorf("Connect flow %s: its held grant cannot be read (%s); destroyed without provider revocation",
                    flow.id, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private static AssociatedData heldData(UUID flowId) {
        return new AssociatedData(HELD_GRANT_KIND, flowId);
    }

    private static AssociatedData verifierData(UUID flowId) {
        return new AssociatedData(VERIFIER_KIND, flowId);
    }
}
