package dev.integrationhub.provider;

import java.time.Duration;
import java.util.Optional;

/**
 * A call to a provider's endpoint did not succeed. The message names the provider, endpoint, status and the
 * OAuth {@code error} code only; a provider's response body is never kept, because it may hold a token.
 */
public class ProviderCallException extends RuntimeException {

    /** How the call failed. */
    public enum Failure {
        /** The provider answered 4xx (other than 429): retrying the same request will not help. */
        REJECTED,
        /** 5xx or 429: the provider may accept the same request later. */
        UNAVAILABLE,
        /** No answer within {@code hub.provider-calls.timeout}. */
        TIMEOUT,
        /** No connection, or an answer that is not what the protocol promises. */
        UNREACHABLE
    }

    private final Failure failure;
    private final int status;
    private final String errorCode;
    private final transient Duration retryAfter;

    ProviderCallException(Failure failure, String provider, String endpoint, int status, String errorCode,
            Duration retryAfter) {
        super(provider + " " + endpoint + " endpoint: " + failure.name().toLowerCase(java.util.Locale.ROOT)
                + (status > 0 ? " (HTTP " + status + ")" : "") + (errorCode != null ? " " + errorCode : ""), null, false,
                false);
        this.failure = failure;
        this.status = status;
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
    }

    public Failure failure() {
        return failure;
    }

    /** The HTTP status, or 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** The OAuth {@code error} code of the answer (e.g. {@code invalid_grant}), if it had a well-formed one. */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /** The provider's {@code Retry-After}, if it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Whether the same call may succeed later. */
    public boolean isTransient() {
        return failure != Failure.REJECTED;
    }
}
