package dev.integrationhub.error;

/**
 * Thrown by the hub's own code to answer with a {@link Problem}. The detail is shown to the caller, so it
 * must never contain a secret.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(int status, String code, String title, String detail) {
        super(code + ": " + detail, null, false, false);
        this.problem = Problem.of(status, code, title, detail);
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
