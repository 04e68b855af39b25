package dev.integrationhub.sandbox;

import java.util.HashMap;
import java.util.Map;

import dev.integrationhub.testsupport.FreePorts;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The service with the sandbox on and an integration type {@code sandbox_gmail} (Gmail's scopes) whose provider
 * {@code sandbox} is the sandbox, as {@code gmail} has it in dev mode, and {@code gmail} and {@code google_drive}
 * connecting there too: the hub talks to its own sandbox over real HTTP. (Provider {@code google} stays the fake providers'
 * WireMock, whose settings a test resource gives and a
 * profile cannot override.) The token endpoint must be reached at the service's own port, which the default
 * random test port does not tell in advance, so this profile picks a free port once per JVM (a system property,
 * the same for every class loader) and makes it both the test port and {@code hub.public-url}.
 */
public class SandboxProfile implements QuarkusTestProfile {

    /** The integration type whose provider is the sandbox. */
    static final String INTEGRATION_TYPE = "sandbox_gmail";
    /** How many items of each kind the sandbox keeps here, so that dropping the oldest shows quickly. */
    static final int MAX_ITEMS = 5;
    private static final String PORT_PROPERTY = "integrationhub.sandbox-test-port";
    private static final String DATABASE_PORT_PROPERTY = "integrationhub.sandbox-test-database-port";

    @Override
    public Map<String, String> getConfigOverrides() {
        String base = "http://localhost:" + port();
        Map<String, String> overrides = new HashMap<>();
        overrides.put("quarkus.http.test-port", port());
        // On a restart for a profile the embedded PostgreSQL would otherwise come back on 5432, which a database of
        // the machine may hold: a free port of its own, too.
        overrides.put("quarkus.embedded.postgresql.port", String.valueOf(FreePorts.pickOnce(DATABASE_PORT_PROPERTY)));
        overrides.put("hub.public-url", base);
        overrides.put("hub.sandbox.enabled", "true");
        overrides.put("hub.providers.sandbox.client-id", SandboxClient.ID);
        overrides.put("hub.providers.sandbox.client-secret", SandboxClient.SECRET);
        overrides.put("hub.providers.sandbox.authorization-uri", base + "/sandbox/oauth/authorize");
        overrides.put("hub.providers.sandbox.token-uri", base + "/sandbox/oauth/token");
        overrides.put("hub.providers.sandbox.userinfo-uri", base + "/sandbox/oauth/userinfo");
        overrides.put("hub.providers.sandbox.revocation-uri", base + "/sandbox/oauth/revoke");
        overrides.put("hub.integrations." + INTEGRATION_TYPE + ".provider", "sandbox");
        overrides.put("hub.integrations." + INTEGRATION_TYPE + ".scopes",
                "https://www.googleapis.com/auth/gmail.send,https://www.googleapis.com/auth/gmail.readonly");
        // gmail and google_drive act against the sandbox as in dev mode (their provider, unlike google's settings,
        // is not fixed by the fake providers); the test resource's Google API root and Bot API root stay WireMock,
        // which SandboxRoutes forwards to the sandbox
        overrides.put("hub.integrations.gmail.provider", "sandbox");
        overrides.put("hub.integrations.google_drive.provider", "sandbox");
        overrides.put("hub.telegram.link-base-url", base + SandboxBot.CHAT_PATH);
        overrides.put("hub.sandbox.max-items", String.valueOf(MAX_ITEMS));
        overrides.putAll(extra());
        return overrides;
    }

    /** What a variant of the profile changes. */
    protected Map<String, String> extra() {
        return Map.of();
    }

    /** The sandbox rotating refresh tokens. */
    public static class Rotating extends SandboxProfile {

        @Override
        protected Map<String, String> extra() {
            return Map.of("hub.sandbox.rotate-refresh-tokens", "true");
        }
    }

    private static String port() {
        return String.valueOf(FreePorts.pickOnce(PORT_PROPERTY));
    }
}
