package dev.integrationhub.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * The sandbox profile with the example web app on an origin of its own, as it is deployed: a port picked once per
 * JVM, made {@code hub.frontend-url} (where popup results are posted and redirect flows return, and the one origin
 * CORS lets read the API).
 */
public class WebAppProfile extends SandboxProfile {

    private static final String WEB_APP_PORT_PROPERTY = "integrationhub.web-app-test-port";

    /** The web app's origin. */
    static String webAppOrigin() {
        return "http://localhost:" + webAppPort();
    }

    /** The web app's port, free when first asked for, the same for every class loader of this JVM. */
    static synchronized int webAppPort() {
        String port = System.getProperty(WEB_APP_PORT_PROPERTY);
        if (port == null) {
            try (ServerSocket socket = new ServerSocket(0)) {
                port = String.valueOf(socket.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.setProperty(WEB_APP_PORT_PROPERTY, port);
        }
        return Integer.parseInt(port);
    }

    @Override
    protected Map<String, String> extra() {
        return Map.of("hub.frontend-url", webAppOrigin());
    }
}
