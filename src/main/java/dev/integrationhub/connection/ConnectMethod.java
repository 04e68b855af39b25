package dev.integrationhub.connection;

import java.net.URI;
import java.time.Instant;

/**
 * A way to connect an integration type other than an OAuth 2.0 flow, e.g. a Telegram chat bound through the
 * platform bot's deep link. The feature that owns such a type implements it; the connect endpoint
 * ({@code POST /api/integrations/connect}) offers it, without either feature knowing the other.
 */
public interface ConnectMethod {

    /**
     * Where the browser goes next and until when that link works.
     *
     * @param url the link to open (a top-level navigation, or a popup)
     */
    record Started(URI url, Instant expiresAt) {
    }

    /** Whether this method connects the type now (e.g. its bot is configured). */
    boolean offers(String integrationType);

    /** Starts connecting an account of the type for the user. */
    Started start(String userId, String integrationType);
}
