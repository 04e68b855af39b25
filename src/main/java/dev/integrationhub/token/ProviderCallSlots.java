package dev.integrationhub.token;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import dev.integrationhub.config.HubConfig;

/**
 * The replica's {@code hub.refresh.max-concurrency} refresh calls to providers, shared by the scheduled refresh
 * ({@link RefreshScheduler}) and callers that refresh on demand ({@link AccessTokens}): during a provider outage
 * many callers at once must not put more calls in flight than the limit.
 */
@ApplicationScoped
public class ProviderCallSlots {

    private final Semaphore slots;

    ProviderCallSlots(HubConfig config) {
        this.slots = new Semaphore(config.refresh().maxConcurrency());
    }

    /** Takes a slot, waiting at most {@code wait}; whether one was taken (then {@link #release} it). */
    boolean acquire(Duration wait) throws InterruptedException {
        return slots.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Gives back a slot taken with {@link #acquire}. */
    void release() {
        slots.release();
    }
}
