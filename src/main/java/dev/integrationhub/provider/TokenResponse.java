package dev.integrationhub.provider;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A provider's token response (RFC 6749 §5.1) as read, before it is trusted: what it lacks or gets wrong is
 * decided by {@link #toGrant}, a pure function, so that every rule can be tested without a provider. Read with
 * the hub's managed JSON mapper, so its size and depth limits apply to providers' answers too.
 *
 * @param expiresIn lifetime of the access token in seconds, if the provider said
 * @param scope the granted scopes, space-separated, if the provider said
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record TokenResponse(String accessToken, String refreshToken, Long expiresIn, String scope) {

    /** The lifetime assumed when the response gives none, or one that is not positive. */
    static final long DEFAULT_EXPIRES_IN_SECONDS = 3600;

    /**
     * The grant this response issues, or empty if it has no access token (then it is not a usable answer).
     *
     * @param now when the response was received; the access token expires {@code expires_in} after it
     * @param requestedScopes what the grant covers when the response does not say (RFC 6749 §5.1)
     */
    Optional<Grant> toGrant(Instant now, List<String> requestedScopes) {
        if (accessToken == null || accessToken.isEmpty()) {
            return Optional.empty();
        }
        String refresh = refreshToken == null || refreshToken.isEmpty() ? null : refreshToken;
        long lifetime = expiresIn != null && expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN_SECONDS;
        List<String> scopes = scope == null ? List.copyOf(requestedScopes)
                : Arrays.stream(scope.split(" ")).filter(s -> !s.isBlank()).distinct().toList();
        return Optional.of(new Grant(accessToken, refresh, now.plusSeconds(lifetime), scopes));
    }

    /** Never shows the tokens. */
    @Override
    public String toString() {
        return "TokenResponse[expiresIn=" + expiresIn + ", scope=" + scope + "]";
    }
}
