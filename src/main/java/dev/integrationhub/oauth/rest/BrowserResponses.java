package dev.integrationhub.oauth.rest;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.http.UrlEncoding;
import dev.integrationhub.oauth.ReturnTo;
import dev.integrationhub.oauth.service.ConnectFlowService;

/**
 * The answers a browser gets during a connect flow: the binding cookie, the redirect back to the web app, the
 * popup page that posts the result to exactly {@code hub.frontend-url}, and the error page. Each carries
 * {@code Cache-Control: no-store}, {@code Referrer-Policy: no-referrer} and a restrictive CSP.
 */
@ApplicationScoped
public class BrowserResponses {

    /** The popup page's only script; the CSP allows exactly this script by its hash. */
    static final String POPUP_SCRIPT = "(function(){var r=JSON.parse(document.getElementById('result').textContent);"
            + "if(window.opener){window.opener.postMessage(r.message,r.origin);}window.close();})();";
    private static final String POPUP_CSP = "default-src 'none'; script-src 'sha256-" + sha256Base64(POPUP_SCRIPT)
            + "'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none';"
            + " form-action 'none'; frame-ancestors 'none'";
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private final HubConfig config;
    private final ObjectMapper json = new ObjectMapper();
    private final String cookiePath;
    private final boolean secureCookie;

    BrowserResponses(HubConfig config) {
        this.config = config;
        URI publicUri = URI.create(config.publicUrl());
        this.cookiePath = (publicUri.getRawPath() == null ? "" : publicUri.getRawPath()) + ConnectFlowService.CALLBACK_PATH;
        this.secureCookie = !("http".equals(publicUri.getScheme()) && LOOPBACK.contains(publicUri.getHost()));
    }

    /** Sends the browser to the provider and binds the flow to it with a cookie only the callback receives. */
    public Response toProvider(URI location, String cookieName, String cookieValue, Duration lifetime) {
        return secured(Response.status(302).location(location), PAGE_CSP)
                .header(HttpHeaders.SET_COOKIE, cookie(cookieName, cookieValue, lifetime.toSeconds())).build();
    }

    /**
     * The end of a flow: a redirect to {@code {frontend}{returnTo}?success=type} or {@code ?error=code}, or in
     * popup display a page that posts {@code {type, status, connection_id | error}} to the web app's origin.
     *
     * @param cookieName the flow's binding cookie, cleared; {@code null} if the flow is unknown
     */
    public Response result(boolean popup, String returnTo, String integrationType, UUID connectionId, String error,
            List<String> missingScopes, String cookieName) {
        Map<String, String> query = new LinkedHashMap<>();
        if (error == null) {
            query.put("success", integrationType);
        } else {
            query.put("error", error);
        }
        if (!missingScopes.isEmpty()) {
            query.put("missing_scope", String.join(" ", missingScopes));
        }
        Response.ResponseBuilder response;
        String csp = PAGE_CSP;
        if (popup) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("type", integrationType);
            message.put("status", error == null ? "success" : "error");
            if (error == null) {
                message.put("connection_id", connectionId.toString());
            } else {
                message.put("error", error);
                message.put("missing_scope", missingScopes);
            }
            response = Response.ok(popupPage(Map.of("origin", config.frontendUrl(), "message", message)),
                    MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"));
            csp = POPUP_CSP;
        } else {
            String path = returnTo == null ? ReturnTo.DEFAULT : returnTo;
            response = Response.status(302).location(URI.create(config.frontendUrl() + path + "?" + UrlEncoding.query(query)));
        }
        if (cookieName != null) {
            response.header(HttpHeaders.SET_COOKIE, cookie(cookieName, "", 0));
        }
        return secured(response, csp).build();
    }

    /** A plain page for a connect link that cannot be used; no redirect. */
    public Response unusableLink() {
        String page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Connect link expired</title>"
                + "</head><body><h1>This connect link cannot be used</h1><p>It is unknown, was already used, or has"
                + " expired. Go back to the app and connect again.</p></body></html>";
        return secured(Response.status(400).entity(page).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")), PAGE_CSP)
                .build();
    }

    private String popupPage(Map<String, Object> result) {
        String data;
        try {
            // Inside <script type="application/json"> only "<" could end the element: escape it.
            data = json.writeValueAsString(result).replace("<", "\\u003c");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Integration Hub</title></head>"
                + "<body><p>You can close this window.</p><script id=\"result\" type=\"application/json\">" + data
                + "</script><script>" + POPUP_SCRIPT + "</script></body></html>";
    }

    private String cookie(String name, String value, long maxAgeSeconds) {
        return name + "=" + value + "; Path=" + cookiePath + "; Max-Age=" + maxAgeSeconds + "; HttpOnly"
                + (secureCookie ? "; Secure" : "") + "; SameSite=Lax";
    }

    private static Response.ResponseBuilder secured(Response.ResponseBuilder response, String csp) {
        return response.header(HttpHeaders.CACHE_CONTROL, "no-store").header("Pragma", "no-cache")
                .header("Referrer-Policy", "no-referrer").header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", csp);
    }

    private static String sha256Base64(String script) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
