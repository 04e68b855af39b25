package dev.integrationhub.event;

import java.time.Duration;
import java.util.Optional;

/** Delivers the outbox items of one kind. */
public interface OutboxHandler {

    /** The {@link OutboxItem#kind} this handler delivers. */
    String kind();

    /**
     * Makes one attempt.
     *
     * @param secret the item's decrypted secret, if it has one
     * @throws DeliveryFailedException if the attempt failed
     */
    void deliver(OutboxItem item, Optional<String> secret);

    /** An attempt failed; the message must not hold a secret. */
    class DeliveryFailedException extends RuntimeException {

        private final boolean retryable;
        private final transient Duration retryAfter;

        public DeliveryFailedException(String message, boolean retryable, Duration retryAfter) {
            super(message, null, false, false);
            this.retryable = retryable;
            this.retryAfter = retryAfter;
        }

        /** Whether a later attempt may succeed. */
        public boolean retryable() {
            return retryable;
        }

        /** The earliest the receiver wants the next attempt, if it said. */
        public Optional<Duration> retryAfter() {
            return Optional.ofNullable(retryAfter);
        }
    }
}
