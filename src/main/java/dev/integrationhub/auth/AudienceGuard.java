package dev.integrationhub.auth;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;

/**
 * A packaged service accepts only bearer tokens issued for it: without {@code quarkus.oidc.token.audience}, any
 * token the platform's identity provider issued for any other service (another app's, a user's for some other API)
 * would be accepted here too. So the packaged service refuses to start without it; dev and test mode, whose
 * {@code bin/dev-token} tokens carry no audience, do not need it.
 */
@Startup
@ApplicationScoped
public class AudienceGuard {

    AudienceGuard(@ConfigProperty(name = "quarkus.oidc.token.audience") Optional<List<String>> audience) {
        if (!LaunchMode.current().isDevOrTest() && audience.filter(list -> !list.isEmpty()).isEmpty()) {
            throw new IllegalStateException("quarkus.oidc.token.audience (env QUARKUS_OIDC_TOKEN_AUDIENCE) is not set:"
                    + " name the audience the platform's identity provider puts into tokens for this service, so that"
                    + " tokens issued for other services are refused.");
        }
    }
}
