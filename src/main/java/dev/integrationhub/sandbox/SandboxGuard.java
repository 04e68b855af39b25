package dev.integrationhub.sandbox;

import jakarta.enterprise.context.ApplicationScoped;

import dev.integrationhub.config.HubConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;

/**
 * Keeps the sandbox provider out of every packaged service. The sandbox hands out grants for any account anyone
 * types, so a packaged service refuses to start with {@code hub.sandbox.enabled=true}, whatever profile it runs
 * with, as {@code auth.DevIdentityGuard} does for the dev signing key.
 */
@Startup
@ApplicationScoped
public class SandboxGuard {

    SandboxGuard(HubConfig config) {
        refuseOutsideDevAndTest(config.sandbox().enabled(), LaunchMode.current());
    }

    /** Throws when the sandbox is on in a launch mode other than dev or test. */
    static void refuseOutsideDevAndTest(boolean enabled, LaunchMode mode) {
        if (enabled && !mode.isDevOrTest()) {
            throw new IllegalStateException("hub.sandbox.enabled=true: the sandbox OAuth provider grants any account"
                    + " to anyone and exists for dev mode only. Remove hub.sandbox.enabled (HUB_SANDBOX_ENABLED) from"
                    + " a packaged service.");
        }
    }
}
