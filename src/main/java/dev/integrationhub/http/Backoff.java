package dev.integrationhub.http;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The hub's one retry delay: exponential backoff with full jitter (a random delay between zero and
 * {@code initial × 2^(attempt-1)}, capped), never shorter than what the other side asked for with
 * {@code Retry-After}, and never longer than {@code max}: a {@code Retry-After} of days from a misbehaving or
 * hostile server would otherwise park a grant or a revocation for that long.
 */
public record Backoff(Duration initial, Duration max) {

    /** The delay an HTTP answer asks for with {@code Retry-After} (in seconds; the date form is ignored). */
    public static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return retryAfter(response.headers().firstValue("Retry-After").orElse(null));
    }

    /** The delay a {@code Retry-After} header value asks for (in seconds; the date form is ignored). */
    public static Optional<Duration> retryAfter(String headerValue) {
        return Optional.ofNullable(headerValue).map(String::trim).filter(v -> v.matches("[0-9]{1,6}"))
                .map(v -> Duration.ofSeconds(Long.parseLong(v)));
    }

    /**
     * The delay before the next attempt.
     *
     * @param failedAttempts attempts made so far (at least 1)
     */
    public Duration next(int failedAttempts, Optional<Duration> retryAfter) {
        long ceiling = initial.toMillis() << Math.min(Math.max(failedAttempts - 1, 0), 30);
        long capped = Math.max(1, Math.min(ceiling, max.toMillis()));
        Duration delay = Duration.ofMillis(ThreadLocalRandom.current().nextLong(capped + 1));
        return retryAfter.filter(asked -> asked.compareTo(delay) > 0).map(asked -> asked.compareTo(max) > 0 ? max : asked)
                .orElse(delay);
    }
}
