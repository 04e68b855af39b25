package dev.integrationhub.sandbox.rest;

import java.net.URI;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.integrationhub.config.HubConfig;
import io.quarkus.qute.TemplateInstance;

/**
 * What the sandbox's own pages (console, chat) share: off, they are 404; they answer HTML that is never cached,
 * loads nothing and cannot be framed; and their forms are taken only from the hub's own pages, so that another site
 * open in the developer's browser cannot revoke grants or press Start for them.
 */
final class SandboxPages {

    private static final MediaType HTML = MediaType.TEXT_HTML_TYPE.withCharset("UTF-8");
    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none';"
            + " form-action 'self'; frame-ancestors 'none'";

    private final boolean enabled;
    private final String hubOrigin;

    SandboxPages(HubConfig config) {
        this.enabled = config.sandbox().enabled();
        URI hub = URI.create(config.publicUrl());
        this.hubOrigin = hub.getScheme() + "://" + hub.getRawAuthority();
    }

    /** 404 unless the sandbox is on. */
    void requireEnabled() {
        if (!enabled) {
            throw new NotFoundException();
        }
    }

    /** 403 for a form posted from another origin (browsers send {@code Origin} with every cross-site POST). */
    void requireOwnOrigin(String origin) {
        if (origin != null && !origin.equals(hubOrigin)) {
            throw new ForbiddenException();
        }
    }

    static Response page(int status, TemplateInstance page) {
        return Response.status(status).entity(page.render()).type(HTML).header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Referrer-Policy", "no-referrer").header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", CSP).build();
    }

    /** After a form: back to a page (303, so a reload does not post again). */
    static Response seeOther(String location) {
        return Response.seeOther(URI.create(location)).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }
}
