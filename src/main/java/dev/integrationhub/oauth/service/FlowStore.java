package dev.integrationhub.oauth.service;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.crypto.AssociatedData;
import dev.integrationhub.crypto.FlowSecrets;
import dev.integrationhub.crypto.SecretCipher;
import dev.integrationhub.oauth.OAuthFlow;
import io.quarkus.scheduler.Scheduled;

/**
 * Connect flows in the database. Each step moves a flow forward with a conditional update, so a handle
 * authorizes once and a state is used once, even when two requests race on two replicas.
 */
@ApplicationScoped
public class FlowStore {

    static final String VERIFIER_KIND = "oauth_flows.pkce_verifier";

    private final OAuthFlowRepository rows;
    private final InstantSource clock;
    private final SecretCipher cipher;
    private final Duration ttl;

    FlowStore(OAuthFlowRepository rows, SecretCipher cipher, HubConfig config, InstantSource clock) {
        this.rows = rows;
        this.clock = clock;
        this.cipher = cipher;
        this.ttl = config.flow().ttl();
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

    @Transactional
    public StartedFlow start(String userId, String integrationType, String provider, String returnTo, String display) {
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

    /** Deletes flows a day after they expired; they can no longer be used, only kept for inspection. */
    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void purgeExpired() {
        rows.delete("expiresAt < ?1", clock.instant().minus(Duration.ofDays(1)));
    }

    private static AssociatedData verifierData(UUID flowId) {
        return new AssociatedData(VERIFIER_KIND, flowId);
    }
}
