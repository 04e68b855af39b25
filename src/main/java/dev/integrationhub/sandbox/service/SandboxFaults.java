package dev.integrationhub.sandbox.service;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * Outages of the sandbox provider on demand, so that a developer sees what the hub does when Google's token endpoint
 * fails: for a chosen while every call to the token endpoint answers 500, 503 or 429, and the hub's grants go
 * {@code degraded}, then {@code recovered} once the while is over. Time is the injected clock.
 */
@ApplicationScoped
public class SandboxFaults {

    private static final Logger LOG = Logger.getLogger(SandboxFaults.class);
    /** The statuses an outage may answer: a server failure or a rate limit. */
    public static final Set<Integer> STATUSES = Set.of(500, 503, 429);
    /** The longest outage one form asks for. */
    public static final Duration LONGEST = Duration.ofHours(1);

    /** The token endpoint answers {@code status} until {@code until}. */
    public record Outage(int status, Instant until) {
    }

    private final InstantSource clock;
    private volatile Outage outage;

    SandboxFaults(InstantSource clock) {
        this.clock = clock;
    }

    /**
     * Makes the token endpoint answer {@code status} for {@code during}.
     *
     * @throws IllegalArgumentException for another status, or a while that is not positive or over {@link #LONGEST}
     */
    public void failTokenEndpoint(int status, Duration during) {
        if (!STATUSES.contains(status) || during.isNegative() || during.isZero() || during.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("an outage answers 500, 503 or 429 for 1 s to 1 h");
        }
        outage = new Outage(status, clock.instant().plus(during));
        LOG.infof("Sandbox: the token endpoint answers %d for %s", status, during);
    }

    /** Ends an outage now. */
    public void healTokenEndpoint() {
        outage = null;
    }

    /** The outage under way, if any. */
    public Optional<Outage> tokenEndpointOutage() {
        Outage current = outage;
        return current != null && current.until().isAfter(clock.instant()) ? Optional.of(current) : Optional.empty();
    }
}
