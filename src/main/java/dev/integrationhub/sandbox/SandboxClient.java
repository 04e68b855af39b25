package dev.integrationhub.sandbox;

/**
 * The one client the sandbox provider knows: the hub itself, as provider {@code google} in dev mode; and where the
 * sandbox's OAuth endpoints and Google APIs live. The id and secret are public constants on purpose; the sandbox only
 * ever runs on a developer's machine or in tests.
 */
public final class SandboxClient {

    public static final String ID = "integration-hub-sandbox.apps.sandbox.test";
    public static final String SECRET = "sandbox-client-secret-not-a-secret";
    /** Where the sandbox provider's OAuth endpoints live, below {@code hub.public-url}. */
    public static final String BASE_PATH = "/sandbox/oauth";
    /**
     * The Google API root URL of the sandbox, below {@code hub.public-url}. The Google clients send media uploads to
     * {@code /upload/...} at the root URL's host, whatever its path: the sandbox's Gmail send and Drive upload
     * endpoints are below {@link #UPLOAD_PATH}, at the root of the hub's host.
     */
    public static final String API_ROOT_PATH = "/sandbox/google/";
    /** Where Google's media upload endpoints live, at the root of a host. */
    public static final String UPLOAD_PATH = "/upload";
    /** Gmail's media upload endpoint of {@code users.messages.send}, below {@link #UPLOAD_PATH}. */
    public static final String GMAIL_SEND_PATH = "/gmail/v1/users/{userId}/messages/send";
    /** Drive's upload endpoint of {@code files.create} (the resumable protocol), below {@link #UPLOAD_PATH}. */
    public static final String DRIVE_FILES_PATH = "/drive/v3/files";
    /** The hub's redirect URI, below {@code hub.public-url}: the only one the sandbox sends codes to. */
    public static final String CALLBACK_PATH = "/api/integrations/callback";

    private SandboxClient() {
    }
}
