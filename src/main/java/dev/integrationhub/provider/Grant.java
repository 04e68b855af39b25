package dev.integrationhub.provider;

import java.time.Instant;
import java.util.List;

/**
 * The tokens a provider issued, as read from its token response.
 *
 * @param refreshToken {@code null} when the response had none (the stored one stays valid)
 * @param grantedScopes the scopes the provider says it granted
 */
public record Grant(String accessToken, String refreshToken, Instant expiresAt, List<String> grantedScopes) {

    @Override
    public String toString() {
        return "Grant[expiresAt=" + expiresAt + ", grantedScopes=" + grantedScopes + ", refreshToken="
                + (refreshToken == null ? "absent" : "present") + "]";
    }
}
