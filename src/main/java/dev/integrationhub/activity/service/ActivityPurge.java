package dev.integrationhub.activity.service;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.integrationhub.config.HubConfig;
import io.quarkus.scheduler.Scheduled;

/**
 * Keeps the activity to {@code hub.activity.retention}: deletes older entries in batches of
 * {@code hub.activity.purge-batch-size}, each in a transaction of its own, oldest first, on every replica (two
 * replicas purging at once only share the work).
 */
@ApplicationScoped
public class ActivityPurge {

    private static final Logger LOG = Logger.getLogger(ActivityPurge.class);

    private final ActivityRepository entries;
    private final InstantSource clock;
    private final Duration retention;
    private final int batchSize;

    ActivityPurge(ActivityRepository entries, HubConfig config, InstantSource clock) {
        this.entries = entries;
        this.clock = clock;
        this.retention = config.activity().retention();
        this.batchSize = config.activity().purgeBatchSize();
    }

    /**
     * Deletes the entries older than the retention.
     *
     * @return how many were deleted
     */
    public int purge() {
        Instant before = clock.instant().minus(retention);
        int total = 0;
        int deleted;
        do {
            deleted = entries.purgeBatch(before, batchSize);
            total += deleted;
        } while (deleted == batchSize);
        if (total > 0) {
            LOG.infof("Purged %d activity entries older than %s", total, before);
        }
        return total;
    }

    @Scheduled(every = "${hub.activity.purge-interval}", delayed = "2m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeOnSchedule() {
        purge();
    }
}
