package dev.integrationhub.error;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.integrationhub.config.HubConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Request bodies are limited per route, before any resource sees them: a JSON API call needs little
 * ({@link #DEFAULT_LIMIT}), a Gmail message up to {@code hub.gmail.max-message-size} (base64 in JSON), a Drive
 * upload up to {@code hub.drive.max-file-size}; with the sandbox on, its Gmail a message and its Drive a chunk
 * ({@code hub.drive.chunk-size}). {@code quarkus.http.limits.max-body-size} is only the outer bound
 * (at least the largest route's limit). A declared length over the route's limit is answered 413 problem+json at
 * once; a body without a declared length is cut off at the limit while it streams in.
 */
@ApplicationScoped
public class HttpLayerProblems {

    private static final Logger LOG = Logger.getLogger(HttpLayerProblems.class);
    /** The limit of every route not listed in {@link #routeLimits}. */
    static final long DEFAULT_LIMIT = 1024 * 1024;
    /** Room for the multipart or JSON framing around the file or message. */
    private static final long FRAMING = 1024 * 1024;
    /** The routing-context key Quarkus' request body streams read their limit from. */
    private static final String MAX_REQUEST_SIZE_KEY = "io.quarkus.max-request-size";

    private final Map<String, Long> routeLimits;
    private final long outerLimit;

    HttpLayerProblems(HubConfig config,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> outerLimit) {
        long mail = config.gmail().maxMessageSize().asLongValue();
        Map<String, Long> limits = new HashMap<>(Map.of(
                "/api/integrations/gmail/send", Math.ceilDiv(mail, 3) * 4 + FRAMING,
                "/api/integrations/google_drive/files", config.drive().maxFileSize().asLongValue() + FRAMING));
        if (config.sandbox().enabled()) {
            // the sandbox's Gmail and Drive (dev mode) take what the hub sends them: a message, a chunk of a file
            limits.put("/upload/gmail/v1/users/me/messages/send", mail + FRAMING);
            limits.put("/upload/drive/v3/files", config.drive().chunkSize().asLongValue() + FRAMING);
        }
        this.routeLimits = Map.copyOf(limits);
        this.outerLimit = outerLimit.map(MemorySize::asLongValue).orElse(Long.MAX_VALUE);
    }

    void install(@Observes Router router) {
        routeLimits.values().stream().filter(limit -> limit > outerLimit).findAny()
                .ifPresent(limit -> LOG.warnf("quarkus.http.limits.max-body-size (%d bytes) is below a route's limit"
                        + " (%d bytes): raise it, or large uploads are refused", outerLimit, limit));
        router.route().order(Integer.MIN_VALUE).handler(this::refuseOversizedBody);
        // after Quarkus' own limit handler (order -2), which sets the outer limit for undeclared lengths
        router.route().order(-1).handler(this::limitUndeclaredBody);
    }

    /** The body limit of the request's route. */
    long limitOf(String path) {
        return routeLimits.getOrDefault(path, DEFAULT_LIMIT);
    }

    /**
     * The most body bytes a request to {@code path} may send: its route's limit within the outer bound. For a
     * resource that reads the body itself, past the HTTP layer's streams that enforce it.
     */
    public long bodyLimit(String path) {
        return Math.min(limitOf(path), outerLimit);
    }

    private void refuseOversizedBody(RoutingContext context) {
        String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared == null || !isOver(declared, bodyLimit(context.normalizedPath()))) {
            context.next();
            return;
        }
        Problem problem = ProblemMappers.payloadTooLarge();
        context.response().setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close").end(Json.encode(problem));
    }

    private void limitUndeclaredBody(RoutingContext context) {
        if (context.request().getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
            context.put(MAX_REQUEST_SIZE_KEY, bodyLimit(context.normalizedPath()));
        }
        context.next();
    }

    private static boolean isOver(String contentLength, long limit) {
        try {
            return Long.parseLong(contentLength.trim()) > limit;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
