package dev.integrationhub.config;

import java.time.InstantSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The one source of the current time. Everything that compares with "now" (flow expiry, token expiry, leases,
 * backoff) injects this {@link InstantSource}, so tests move time with a clock of their own instead of
 * rewriting rows or sleeping.
 */
@ApplicationScoped
public class Clocks {

    @Produces
    @SuppressForbidden(reason = "the one place that reads the system clock")
    @Singleton
    InstantSource clock() {
        return InstantSource.system();
    }
}
