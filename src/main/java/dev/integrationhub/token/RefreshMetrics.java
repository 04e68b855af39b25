package dev.integrationhub.token;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.connection.RefreshOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Prometheus metrics of the token lifecycle: {@code hub_refresh_outcomes_total{outcome}}, {@code hub_refresh_seconds},
 * {@code hub_grants{status}}, {@code hub_refresh_backlog} (grants due now) and
 * {@code hub_refresh_oldest_due_age_seconds}. The database figures are sampled every 30 s.
 */
@ApplicationScoped
public class RefreshMetrics {

    private final InstantSource clock;
    private final MeterRegistry registry;
    private final EntityManager entityManager;
    private final Timer latency;
    private final Map<ConnectionStatus, AtomicLong> grantsByStatus = new EnumMap<>(ConnectionStatus.class);
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestDueAgeSeconds = new AtomicLong();

    RefreshMetrics(MeterRegistry registry, EntityManager entityManager, InstantSource clock) {
        this.clock = clock;
        this.registry = registry;
        this.entityManager = entityManager;
        this.latency = Timer.builder("hub.refresh").description("Time of one refresh, provider call included")
                .publishPercentileHistogram().register(registry);
        for (ConnectionStatus status : ConnectionStatus.values()) {
            AtomicLong value = new AtomicLong();
            grantsByStatus.put(status, value);
            registry.gauge("hub.grants", List.of(io.micrometer.core.instrument.Tag.of("status", status.wireName())), value);
        }
        registry.gauge("hub.refresh.backlog", backlog);
        registry.gauge("hub.refresh.oldest.due.age.seconds", oldestDueAgeSeconds);
    }

    void refreshed(RefreshOutcome outcome, Duration took) {
        registry.counter("hub.refresh.outcomes", "outcome", outcome.label()).increment();
        latency.record(took);
    }

    /** A stored refresh token the keyset cannot decrypt: an operations fault ({@code hub_unreadable_grants_total}). */
    void unreadable() {
        registry.counter("hub.unreadable.grants").increment();
    }

    @Scheduled(every = "30s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sample() {
        QuarkusTransaction.requiringNew().run(() -> {
            grantsByStatus.values().forEach(v -> v.set(0));
            List<Object[]> counts = entityManager
                    .createQuery("select c.status, count(c) from Connection c group by c.status", Object[].class)
                    .getResultList();
            counts.forEach(row -> grantsByStatus.get((ConnectionStatus) row[0]).set((Long) row[1]));
            Instant now = clock.instant();
            Object[] due = entityManager.createQuery("select count(c), min(c.refreshDueAt) from Connection c"
                    + " where c.status in ?1 and c.refreshDueAt <= ?2", Object[].class)
                    .setParameter(1, ConnectionStatus.REFRESHABLE)
                    .setParameter(2, now).getSingleResult();
            backlog.set((Long) due[0]);
            oldestDueAgeSeconds.set(due[1] == null ? 0 : Duration.between((Instant) due[1], now).toSeconds());
        });
    }
}
