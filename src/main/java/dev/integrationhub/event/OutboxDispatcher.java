package dev.integrationhub.event;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.crypto.DecryptionFailedException;
import dev.integrationhub.http.Backoff;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Attempts due outbox items: at once after the change that wrote them ({@link #deliverNow}), then on a
 * schedule with {@link Backoff} until delivered or {@code hub.outbox.max-attempts} is reached.
 */
@ApplicationScoped
public class OutboxDispatcher {

    private static final Logger LOG = Logger.getLogger(OutboxDispatcher.class);
    private static final int BATCH = 20;
    private static final int PURGE_BATCH = 1000;

    private final InstantSource clock;
    private final Outbox outbox;
    private final Map<String, OutboxHandler> handlers;
    private final Backoff backoff;
    private final int maxAttempts;
    private final Duration retention;

    private volatile boolean stopping;

    OutboxDispatcher(Outbox outbox, Instance<OutboxHandler> handlers, HubConfig config, InstantSource clock) {
        this.clock = clock;
        this.outbox = outbox;
        this.handlers = handlers.stream().collect(Collectors.toMap(OutboxHandler::kind, Function.identity()));
        this.backoff = new Backoff(config.outbox().initialBackoff(), config.outbox().maxBackoff());
        this.maxAttempts = config.outbox().maxAttempts();
        this.retention = config.outbox().retention();
    }

    /** Makes the first attempt of an item just written, if no other replica has claimed it. */
    public void deliverNow(UUID itemId) {
        outbox.claim(Optional.of(itemId), 1).forEach(this::attempt);
    }

    /**
     * Deletes items finished longer than {@code hub.outbox.retention} ago, in batches.
     *
     * @return how many were deleted
     */
    public int purgeDone() {
        Instant before = clock.instant().minus(retention);
        int total = 0;
        int deleted;
        do {
            deleted = outbox.purgeDone(before, PURGE_BATCH);
            total += deleted;
        } while (deleted == PURGE_BATCH);
        return total;
    }

    @Scheduled(every = "1h", delayed = "2m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeOnSchedule() {
        purgeDone();
    }

    @Scheduled(every = "${hub.outbox.interval}", delayed = "${hub.outbox.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void deliverDue() {
        List<OutboxItem> claimed;
        do {
            claimed = stopping ? List.of() : outbox.claim(Optional.empty(), BATCH);
            for (int i = 0; i < claimed.size(); i++) {
                if (stopping) {
                    outbox.release(claimed.subList(i, claimed.size()).stream().map(item -> item.id).toList());
                    return;
                }
                attempt(claimed.get(i));
            }
        } while (claimed.size() == BATCH);
    }

    /**
     * The service is stopping: the delivery under way finishes, and the items claimed after it are given back at
     * once instead of waiting out their lease, so another replica delivers them without delay.
     */
    void stop(@Observes ShutdownEvent shutdown) {
        stopping = true;
    }

    private void attempt(OutboxItem item) {
        int attempts = item.attempts + 1;
        OutboxHandler handler = handlers.get(item.kind);
        if (handler == null) {
            giveUp(item, "no handler for kind " + item.kind);
            return;
        }
        try {
            handler.deliver(item, outbox.secret(item));
            outbox.delivered(item.id);
        } catch (OutboxHandler.DeliveryFailedException e) {
            if (!e.retryable() || attempts >= maxAttempts) {
                giveUp(item, e.getMessage());
            } else {
                Instant next = clock.instant().plus(backoff.next(attempts, e.retryAfter()));
                outbox.retryLater(item.id, attempts, next, e.getMessage());
                LOG.infof("Outbox item %s (%s) attempt %d failed, next at %s: %s", item.id, item.kind, attempts, next,
                        e.getMessage());
            }
        } catch (DecryptionFailedException e) {
            giveUp(item, "its secret cannot be decrypted");
        }
    }

    private void giveUp(OutboxItem item, String reason) {
        outbox.gaveUp(item.id, reason);
        LOG.warnf("Outbox item %s (%s, connection %s) given up after %d attempts: %s", item.id, item.kind,
                item.connectionId, item.attempts + 1, reason);
    }
}
