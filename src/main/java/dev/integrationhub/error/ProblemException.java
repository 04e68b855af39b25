package dev.integrationhub.error;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Thrown by the hub's own code to answer with a {@link Problem}. The detail is shown to the caller, so it
 * must never contain a secret.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final transient Duration retryAfter;

    public ProblemException(int status, String code, String title, String detail) {
        this(Problem.of(status, code, title, detail), null);
    }

    private ProblemException(Problem problem, Duration retryAfter) {
        super(problem.code() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    /** 413 {@code payload_too_large}: a request body past its route's limit. */
    public static ProblemException payloadTooLarge() {
        return new ProblemException(ProblemMappers.payloadTooLarge(), null);
    }

    /** 400 {@code validation_failed} naming the invalid fields, like a failed bean validation. */
    public static ProblemException invalid(List<Problem.FieldError> errors) {
        return new ProblemException(ProblemMappers.validationFailed(errors), null);
    }

    /** This problem with the connections the caller may choose from (see {@link Problem#connections()}). */
    public ProblemException withConnections(List<Problem.ConnectionChoice> choices) {
        return new ProblemException(problem.withConnections(choices), retryAfter);
    }

    /** This problem, telling the caller when to try again ({@code Retry-After}, whole seconds, at least one). */
    public ProblemException withRetryAfter(Duration delay) {
        return new ProblemException(problem, delay);
    }

    /** When the caller should try again, if the problem is temporary. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public static ProblemException badRequest(String code, String detail) {
        return new ProblemException(400, code, "Bad request", detail);
    }

    /** 409 {@code reauth_required}: the connection cannot be used until the user connects the account again. */
    public static ProblemException reauthRequired(String detail) {
        return new ProblemException(409, "reauth_required", "Reconnect required", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not_found", "Not found", detail);
    }

    public Problem problem() {
        return problem;
    }
}
