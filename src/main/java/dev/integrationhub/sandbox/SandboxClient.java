package dev.integrationhub.sandbox;

/**
 * The one client the sandbox provider knows: the hub itself, as provider {@code google} in dev mode. Its id and
 * secret are public constants on purpose; the sandbox only ever runs on a developer's machine or in tests.
 */
public final class SandboxClient {

    public static final String ID = "integration-hub-sandbox.apps.sandbox.test";
    public static final String SECRET = "sandbox-client-secret-not-a-secret";
    /** Where the sandbox provider's OAuth endpoints live, below {@code hub.public-url}. */
    public static final String BASE_PATH = "/sandbox/oauth";
    /** The hub's redirect URI, below {@code hub.public-url}: the only one the sandbox sends codes to. */
    public static final String CALLBACK_PATH = "/api/integrations/callback";

    private SandboxClient() {
    }
}
