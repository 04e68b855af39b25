package dev.integrationhub.sandbox.rest;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.integrationhub.config.HubConfig;

/**
 * Serves the example web app ({@code examples/web-app/}, read from the working directory: dev and test mode run in
 * the project) at {@code /sandbox/} while the sandbox is on, so that {@code bin/run} puts the whole product one click
 * away: sign in, connect Gmail against the sandbox provider, act with the connection. Its {@code config.js} is
 * written here, with {@code hub.public-url} as the API base. Only the page's own files are served (a fixed list, no
 * path from the request reaches the file system); off, every path is {@code 404}.
 */
@jakarta.ws.rs.Path("/sandbox")
public class SandboxWebAppResource {

    /** Where the example web app lives, relative to the project. */
    static final Path WEB_APP = Path.of("examples", "web-app");
    /** The page's files and their media types; nothing else is served. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=UTF-8",
            "app.js", "text/javascript; charset=UTF-8",
            "style.css", "text/css; charset=UTF-8");
    /** The page runs its own scripts and styles only, and talks to this origin only. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final boolean enabled;
    private final String config;

    SandboxWebAppResource(HubConfig hub, ObjectMapper json) {
        this.enabled = hub.sandbox().enabled();
        try {
            this.config = "// Written by the hub for the page it serves at /sandbox/ (see examples/web-app/config.js).\n"
                    + "window.HUB_WEB_APP_CONFIG = " + json.writeValueAsString(Map.of("hubUrl", hub.publicUrl())) + ";\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The page at {@code /sandbox/}; {@code /sandbox} (where a flow returns, as {@code return_to} has no trailing
     * slash) redirects there keeping the query (the flow's result), and browsers keep the fragment (the confirmation
     * code) across the redirect. The page's relative links need the slash.
     */
    @GET
    @Operation(hidden = true)
    public Response index(@Context UriInfo uri) {
        requireEnabled();
        URI requested = uri.getRequestUri();
        if (!requested.getRawPath().endsWith("/")) {
            String query = requested.getRawQuery();
            return Response.status(302).location(URI.create("/sandbox/" + (query == null ? "" : "?" + query)))
                    .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
        }
        return file("index.html");
    }

    @GET
    @jakarta.ws.rs.Path("config.js")
    @Operation(hidden = true)
    public Response config() {
        requireEnabled();
        return page(Response.ok(config, "text/javascript; charset=UTF-8"));
    }

    @GET
    @jakarta.ws.rs.Path("{file:app\\.js|style\\.css|index\\.html}")
    @Operation(hidden = true)
    public Response file(@PathParam("file") String name) {
        requireEnabled();
        String type = FILES.get(name);
        Path file = WEB_APP.resolve(name);
        if (type == null || !Files.isRegularFile(file)) {
            throw new NotFoundException();
        }
        try {
            return page(Response.ok(Files.readAllBytes(file), type));
        } catch (IOException e) {
            throw new NotFoundException(e);
        }
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new NotFoundException();
        }
    }

    private static Response page(Response.ResponseBuilder response) {
        return response.header(HttpHeaders.CACHE_CONTROL, "no-cache").header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer").header("Content-Security-Policy", CSP).build();
    }
}
