package dev.integrationhub.oauth.service;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.integrationhub.audit.AuditLog;
import dev.integrationhub.connection.service.ConnectionService;
import dev.integrationhub.connection.service.ConnectionService.RecordedGrant;
import dev.integrationhub.event.OutboxDispatcher;
import dev.integrationhub.oauth.OAuthFlow;
import dev.integrationhub.oauth.service.FlowStore.Released;
import dev.integrationhub.provider.Grant;
import dev.integrationhub.provider.ProviderAccount;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * The confirmation step (DESIGN.md "Security rules"): a grant won by a callback becomes a connection only when the
 * platform user who started the flow redeems its code. Anyone else's redemption, and a grant never confirmed in
 * the flow's lifetime, is revoked at the provider and destroyed; so is a grant a flow could not use.
 */
@ApplicationScoped
public class HeldGrants {

    private static final Logger LOG = Logger.getLogger(HeldGrants.class);
    private static final int BATCH = 100;

    private final FlowStore flows;
    private final ConnectionService connections;
    private final OutboxDispatcher outbox;
    private final AuditLog audit;

    HeldGrants(FlowStore flows, ConnectionService connections, OutboxDispatcher outbox, AuditLog audit) {
        this.flows = flows;
        this.connections = connections;
        this.outbox = outbox;
        this.audit = audit;
    }

    /** What a confirmation came to. */
    public sealed interface Confirmation {
    }

    /** The flow's user confirmed: the grant is now the connection. */
    public record Confirmed(RecordedGrant grant) implements Confirmation {
    }

    /** Another user presented the code: the held grant was revoked and destroyed. */
    public record Foreign() implements Confirmation {
    }

    /** The code is unknown, used or expired; nothing changed. */
    public record Unknown() implements Confirmation {
    }

    /** The grant could not be kept fresh (no refresh token any more); it was revoked and destroyed. */
    public record Unusable() implements Confirmation {
    }

    /** Redeems a confirmation code for {@code userId}; a revocation it causes is tried at once, after commit. */
    public Confirmation confirm(String userId, String confirmation) {
        Redemption redemption = QuarkusTransaction.requiringNew().call(() -> redeem(userId, confirmation));
        redemption.revocation().ifPresent(outbox::deliverNow);
        return redemption.outcome();
    }

    private record Redemption(Confirmation outcome, Optional<UUID> revocation) {
    }

    private Redemption redeem(String userId, String confirmation) {
        Optional<Released> redeemed = flows.redeem(confirmation);
        if (redeemed.isEmpty()) {
            return new Redemption(new Unknown(), Optional.empty());
        }
        OAuthFlow flow = redeemed.get().flow();
        FlowStore.HeldGrant held = redeemed.get().grant();
        if (!flow.userId.equals(userId)) {
            audit.record(userId, "connect.foreign_confirmation", null, Map.of("flow_id", flow.id.toString(),
                    "flow_user", flow.userId, "integration_type", flow.integrationType));
            LOG.warnf("Connect flow %s of user %s: confirmation presented by user %s; held grant revoked", flow.id,
                    flow.userId, userId);
            return new Redemption(new Foreign(), revoke(flow, Optional.of(held.account()), held.grant()));
        }
        if (!connections.canKeepFresh(userId, flow.integrationType, flow.provider, held.accountSubject(),
                held.grant())) {
            return new Redemption(new Unusable(), revoke(flow, Optional.of(held.account()), held.grant()));
        }
        RecordedGrant recorded = connections.recordGrant(userId, flow.integrationType, flow.provider, held.account(),
                held.grant());
        LOG.infof("Connect flow %s: confirmed, %s connection %s for user %s", flow.id,
                recorded.created() ? "new" : "renewed", recorded.connection().id, userId);
        return new Redemption(new Confirmed(recorded), Optional.empty());
    }

    /** Revokes a grant a connect flow won but could not use; the provider is tried at once. */
    void revokeUnused(OAuthFlow flow, Optional<ProviderAccount> account, Grant grant) {
        try {
            QuarkusTransaction.requiringNew().call(() -> revoke(flow, account, grant)).ifPresent(outbox::deliverNow);
        } catch (RuntimeException e) {
            LOG.errorf("Connect flow %s: the unused grant could not be queued for revocation (%s)", flow.id,
                    e.getClass().getName());
        }
    }

    /**
     * Revokes and destroys the held grants of flows that expired unconfirmed, in batches; returns how many. The
     * revocations go out with the outbox's next run. Runs
     * every minute on every replica; a replica skips flows another one is releasing.
     */
    public int revokeUnconfirmed() {
        int total = 0;
        int released;
        do {
            released = QuarkusTransaction.requiringNew().call(() -> {
                List<Released> batch = flows.releaseExpired(BATCH);
                batch.forEach(held -> revoke(held.flow(), Optional.of(held.grant().account()), held.grant().grant()));
                return batch.size();
            });
            total += released;
        } while (released == BATCH);
        if (total > 0) {
            LOG.infof("Revoked %d held grants never confirmed", total);
        }
        return total;
    }

    @Scheduled(every = "1m", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        revokeUnconfirmed();
    }

    private Optional<UUID> revoke(OAuthFlow flow, Optional<ProviderAccount> account, Grant grant) {
        return connections.revokeUnused(flow.id, flow.provider, account.map(ProviderAccount::subject), grant);
    }
}
