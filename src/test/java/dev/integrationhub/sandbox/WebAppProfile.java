package dev.integrationhub.sandbox;

import java.util.Map;

import dev.integrationhub.testsupport.FreePorts;

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
    static int webAppPort() {
        return FreePorts.pickOnce(WEB_APP_PORT_PROPERTY);
    }

    @Override
    protected Map<String, String> extra() {
        return Map.of("hub.frontend-url", webAppOrigin());
    }
}
