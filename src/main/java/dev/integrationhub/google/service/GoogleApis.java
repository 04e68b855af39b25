package dev.integrationhub.google.service;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.drive.Drive;
import com.google.api.services.gmail.Gmail;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.service.ActionTargets.ActionTarget;
import dev.integrationhub.http.Backoff;
import dev.integrationhub.token.AccessTokens;

/**
 * The official Gmail and Drive clients, built per action on one connection with {@link BearerCredentials}, at the
 * API root {@code hub.google.api-root-url} (tests and the sandbox point it at fakes). One HTTP transport serves
 * them all.
 */
@ApplicationScoped
public class GoogleApis {

    static final String APPLICATION_NAME = "integration-hub";
    /** The first pause before a failed upload chunk is resumed; it doubles with each further failure. */
    private static final Backoff RESUME_BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    private final HttpTransport transport = new NetHttpTransport();
    private final JsonFactory json = GsonFactory.getDefaultInstance();
    private final AccessTokens accessTokens;
    private final String rootUrl;
    private final Duration timeout;
    private final int maxChunkRetries;

    GoogleApis(AccessTokens accessTokens, HubConfig config) {
        this.accessTokens = accessTokens;
        String root = config.google().apiRootUrl();
        this.rootUrl = root.endsWith("/") ? root : root + "/";
        this.timeout = config.google().timeout();
        this.maxChunkRetries = config.drive().maxChunkRetries();
    }

    /** A Gmail client acting with this connection's grant; a refused token is replaced once, nothing is retried. */
    public Gmail gmail(ActionTarget target) {
        return new Gmail.Builder(transport, json, credentials(target, 0)).setRootUrl(rootUrl)
                .setApplicationName(APPLICATION_NAME).build();
    }

    /** A Drive client acting with this connection's grant; upload chunks are resumed after transient failures. */
    public Drive drive(ActionTarget target) {
        return new Drive.Builder(transport, json, credentials(target, maxChunkRetries)).setRootUrl(rootUrl)
                .setApplicationName(APPLICATION_NAME).build();
    }

    /** Fetches the token first, so that a grant that cannot be used fails before any client is built. */
    private BearerCredentials credentials(ActionTarget target, int maxResumes) {
        return new BearerCredentials(accessTokens, accessTokens.forConnection(target.id()), timeout, maxResumes,
                RESUME_BACKOFF);
    }
}
