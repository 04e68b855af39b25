package dev.integrationhub.provider;

import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A provider's OAuth error body (RFC 6749 §5.2) as read. Only the {@code error} code is kept, and only if it is
 * a well-formed code: {@code error_description} and the rest are free text that may echo a token.
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
record OAuthErrorResponse(String error) {

    private static final Pattern CODE = Pattern.compile("[a-z_]{1,40}");

    /** The {@code error} code, if it is one. */
    Optional<String> code() {
        return Optional.ofNullable(error).filter(e -> CODE.matcher(e).matches());
    }
}
