package dev.integrationhub.error;

import java.util.List;

/**
 * Thrown by the hub's own code to answer with a {@link Problem}. The detail is shown to the caller, so it
 * must never contain a secret.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(int status, String code, String title, String detail) {
        this(Problem.of(status, code, title, detail));
    }

    private ProblemException(Problem problem) {
        super(problem.code() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
    }

    /** 400 {@code validation_failed} naming the invalid fields, like a failed bean validation. */
    public static ProblemException invalid(List<Problem.FieldError> errors) {
        return new ProblemException(ProblemMappers.validationFailed(errors));
    }

    /** This problem with the connections the caller may choose from (see {@link Problem#connections()}). */
    public ProblemException withConnections(List<Problem.ConnectionChoice> choices) {
        return new ProblemException(problem.withConnections(choices));
    }

    public static ProblemException badRequest(String code, String detail) {
        return new ProblemException(400, code, "Bad request", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not_found", "Not found", detail);
    }

    public Problem problem() {
        return problem;
    }
}
