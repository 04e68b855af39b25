package dev.integrationhub.token;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.integrationhub.config.HubConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * Refreshes every grant that falls due, every {@code hub.refresh.interval}. A run happens on its own thread
 * (never on the scheduler's or a request's) and never overlaps the previous one; provider calls run on virtual
 * threads, at most {@code hub.refresh.max-concurrency} at once together with on-demand refreshes
 * ({@link ProviderCallSlots}), so even an outage with many due grants never puts more calls in flight. The next batch is
 * claimed while the last quarter of {@code max-concurrency} claims of the current one still wait for slots, so that
 * slots freed during the claim's transaction find work at once (claimed only after the whole batch was dispatched,
 * ~15 % of the slots sat idle at 100 ms provider latency); at most one batch and that quarter wait for call slots
 * under their leases.
 */
@Startup
@ApplicationScoped
public class RefreshScheduler {

    private static final Logger LOG = Logger.getLogger(RefreshScheduler.class);
    /** How often a run waiting for a call slot checks whether the service is stopping. */
    private static final Duration SLOT_WAIT = Duration.ofMillis(200);

    private final GrantRefresher refresher;
    private final int batchSize;
    /** How many claims of a batch may still wait for a slot when the next batch is claimed. */
    private final int prefetchAt;
    private final ProviderCallSlots callSlots;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Duration drainTime;
    private volatile boolean stopping;
    private final ExecutorService coordinator = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("grant-refresh").daemon().factory());
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

    RefreshScheduler(GrantRefresher refresher, ProviderCallSlots callSlots, HubConfig config) {
        leaseProblem(config.refresh().lease(), config.refresh().interval(), config.providerCalls().timeout())
                .ifPresent(problem -> {
                    throw new IllegalStateException("Invalid configuration: " + problem);
                });
        this.refresher = refresher;
        this.batchSize = config.refresh().batchSize();
        this.prefetchAt = Math.max(1, config.refresh().maxConcurrency() / 4);
        this.callSlots = callSlots;
        this.drainTime = config.providerCalls().timeout().plusSeconds(2);
    }

    /**
     * A lease must outlast what a claimer may still do with it: the claim is made up to one run
     * ({@code interval}) before the grant is due, and a refresh may wait for a provider call slot and then take
     * a call's timeout; shorter, and a second replica could claim a grant whose refresh is still under way.
     */
    static Optional<String> leaseProblem(Duration lease, Duration interval, Duration providerTimeout) {
        Duration minimum = interval.plus(providerTimeout.multipliedBy(2));
        return lease.compareTo(minimum) > 0 ? Optional.empty()
                : Optional.of("hub.refresh.lease (" + lease + ") must be longer than hub.refresh.interval plus twice"
                        + " hub.provider-calls.timeout (" + minimum + ")");
    }

    /** Skips the schedule on replicas with {@code hub.refresh.scheduled=false}. */
    @Singleton
    public static class Disabled implements Scheduled.SkipPredicate {

        private final boolean scheduled;

        Disabled(HubConfig config) {
            this.scheduled = config.refresh().scheduled();
        }

        @Override
        public boolean test(ScheduledExecution execution) {
            return !scheduled;
        }
    }

    @Scheduled(every = "${hub.refresh.interval}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Disabled.class)
    void onSchedule() {
        if (!stopping && running.compareAndSet(false, true)) {
            coordinator.execute(() -> {
                try {
                    runOnce();
                } catch (RuntimeException e) {
                    LOG.error("Refresh run failed", e);
                } finally {
                    running.set(false);
                }
            });
        }
    }

    /**
     * One run: refreshes the grants due now and returns when they are done.
     *
     * @return how many grants it refreshed or tried to
     */
    public int runOnce() {
        List<Future<?>> flights = new ArrayList<>();
        try {
            List<GrantRefresher.Claimed> claims = claimBatch();
            while (!claims.isEmpty()) {
                CompletableFuture<List<GrantRefresher.Claimed>> next = null;
                for (int i = 0; i < claims.size(); i++) {
                    if (next == null && claims.size() - i <= prefetchAt) {
                        next = CompletableFuture.supplyAsync(this::claimBatch, calls);
                    }
                    GrantRefresher.Claimed claim = claims.get(i);
                    if (!acquireSlot()) {
                        refresher.release(claim);
                        continue;
                    }
                    flights.add(calls.submit(() -> {
                        try {
                            refresher.refresh(claim);
                        } catch (RuntimeException e) {
                            LOG.errorf(e, "Refresh of connection %s failed unexpectedly", claim.connectionId());
                        }
                    }));
                }
                claims = next.join();
            }
            for (Future<?> flight : flights) {
                flight.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.error("Refresh call failed", e.getCause());
        }
        return flights.size();
    }

    private List<GrantRefresher.Claimed> claimBatch() {
        return stopping ? List.of() : refresher.claimDue(batchSize);
    }

    /** Waits for a call slot while the service runs; false once it is stopping. */
    private boolean acquireSlot() throws InterruptedException {
        while (!stopping) {
            if (callSlots.acquire(SLOT_WAIT)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The service is stopping ({@code quarkus.shutdown.timeout}): refreshes under way finish (each within a provider
     * call's timeout), and grants claimed but not yet called are given back at once, so that no other replica waits
     * out their lease.
     */
    void stop(@Observes ShutdownEvent shutdown) {
        stopping = true;
        coordinator.shutdown();
        try {
            if (!coordinator.awaitTermination(drainTime.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Refresh run still busy at shutdown; its leases expire on their own");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void destroy() {
        coordinator.shutdownNow();
        calls.shutdownNow();
    }
}
