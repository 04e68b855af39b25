package dev.integrationhub.sandbox.service;

/**
 * A refusal of the sandbox's Gmail or Drive, answered as Google's APIs write theirs: the HTTP status, one error
 * reason ({@code authError}, {@code insufficientPermissions}, {@code notFound}, ...), a message, the gRPC status name,
 * and for 401 and 403 the {@code WWW-Authenticate} challenge. Carries no token.
 */
public final class SandboxApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;
    private final String grpcStatus;
    private final String challenge;

    SandboxApiException(int status, String reason, String message, String grpcStatus, String challenge) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
        this.grpcStatus = grpcStatus;
        this.challenge = challenge;
    }

    static SandboxApiException badRequest(String reason, String message) {
        return new SandboxApiException(400, reason, message, "INVALID_ARGUMENT", null);
    }

    static SandboxApiException notFound(String message) {
        return new SandboxApiException(404, "notFound", message, "NOT_FOUND", null);
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    /** Google's {@code error.status}, e.g. {@code PERMISSION_DENIED}. */
    public String grpcStatus() {
        return grpcStatus;
    }

    /** The {@code WWW-Authenticate} header to answer, or null. */
    public String challenge() {
        return challenge;
    }
}
