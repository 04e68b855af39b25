package dev.integrationhub.sandbox.service;

/**
 * An OAuth error of the sandbox's token endpoint (RFC 6749 §5.2), answered as {@code {"error": code}} with its
 * status, as Google answers it. Carries no token or code.
 */
public final class SandboxOAuthException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    public SandboxOAuthException(int status, String error, String description) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    /** The RFC 6749 error code, e.g. {@code invalid_grant}. */
    public String error() {
        return error;
    }

    static SandboxOAuthException invalidRequest(String description) {
        return new SandboxOAuthException(400, "invalid_request", description);
    }

    static SandboxOAuthException invalidGrant(String description) {
        return new SandboxOAuthException(400, "invalid_grant", description);
    }
}
