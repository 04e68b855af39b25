package dev.integrationhub.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * The service's time in tests: the system clock plus an offset that a test moves forward to make a flow
 * expire, a grant fall due or a backoff pass, instead of rewriting rows or sleeping. It replaces the
 * {@link InstantSource} of {@code config.Clocks}; {@link BetweenTests} sets the offset back to zero before each
 * test. Only what the service compares with its injected clock moves; the database's own {@code now()} does not.
 */
@Alternative
@Priority(1)
@Singleton
public class TestClock implements InstantSource {

    private volatile Duration offset = Duration.ZERO;

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }

    /** Moves the service's time forward. */
    public synchronized void advance(Duration duration) {
        offset = offset.plus(duration);
    }

    /** Back to the real time. */
    public void reset() {
        offset = Duration.ZERO;
    }
}
