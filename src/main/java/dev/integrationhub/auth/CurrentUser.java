package dev.integrationhub.auth;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.AuthenticationFailedException;

/** The platform user who made this request: the {@code sub} claim of their verified bearer token. */
@RequestScoped
public class CurrentUser {

    private final JsonWebToken token;

    CurrentUser(JsonWebToken token) {
        this.token = token;
    }

    /** The user id; a verified token without a subject is not accepted. */
    public String id() {
        String subject = token.getSubject();
        if (subject == null || subject.isBlank() || subject.length() > 255) {
            throw new AuthenticationFailedException("The bearer token has no usable subject");
        }
        return subject;
    }
}
