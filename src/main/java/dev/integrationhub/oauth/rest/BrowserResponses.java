package dev.integrationhub.oauth.rest;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.http.UrlEncoding;
import dev.integrationhub.oauth.ReturnTo;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateInstance;

/**
 * The answers a browser gets during a connect flow: the redirect to the provider with the binding cookie, the
 * redirect back to the web app, the popup page that posts the result to exactly {@code hub.frontend-url}, and
 * the error page. Each carries {@code Cache-Control: no-store}, {@code Referrer-Policy: no-referrer} and a
 * restrictive CSP. The pages are Qute templates under {@code templates/BrowserResponses/}.
 */
@ApplicationScoped
public class BrowserResponses {

    /** The popup page's only script; the CSP allows exactly this script by its hash. */
    static final String POPUP_SCRIPT = "(function(){var r=JSON.parse(document.getElementById('result').textContent);"
            + "if(window.opener){window.opener.postMessage(r.message,r.origin);}window.close();})();";
    static final String POPUP_CSP = "default-src 'none'; script-src 'sha256-" + sha256Base64(POPUP_SCRIPT)
            + "'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none';"
            + " form-action 'none'; frame-ancestors 'none'";
    private static final MediaType HTML = MediaType.TEXT_HTML_TYPE.withCharset("UTF-8");

    /** The pages; their parameters are checked against the templates at build time. */
    @CheckedTemplate
    static class Templates {

        /**
         * @param result the JSON the script reads, with {@code <} escaped so it cannot end its element
         * @param script {@link #POPUP_SCRIPT}, rendered byte for byte as the CSP hash expects
         */
        static native TemplateInstance popup(RawString result, RawString script);

        static native TemplateInstance unusableLink();
    }

    private final HubConfig config;
    private final ObjectMapper json;
    private final BindingCookie cookies;

    BrowserResponses(HubConfig config, ObjectMapper json, BindingCookie cookies) {
        this.config = config;
        this.json = json;
        this.cookies = cookies;
    }

    /** Sends the browser to the provider and binds the flow to it with a cookie only the callback receives. */
    public Response toProvider(URI location, NewCookie binding) {
        return secured(Response.status(302).location(location), PAGE_CSP).cookie(binding).build();
    }

    /**
     * The end of a flow: a redirect to {@code {frontend}{returnTo}?success=type#confirmation=code} or
     * {@code ?error=code}, or in popup display a page that posts {@code {type, status, confirmation | error}} to the
     * web app's origin. The confirmation code travels in the fragment, which browsers never send to a server. The
     * flow's binding cookie, if the flow is known, is cleared.
     */
    public Response result(FlowResult result) {
        Response.ResponseBuilder response = result.popup()
                ? secured(Response.ok(popupPage(result), HTML), POPUP_CSP)
                : secured(Response.status(302).location(returnLocation(result)), PAGE_CSP);
        result.flowId().ifPresent(flowId -> response.cookie(cookies.clear(flowId)));
        return response.build();
    }

    /** A plain page for a connect link that cannot be used; no redirect. */
    public Response unusableLink() {
        return secured(Response.status(400).entity(Templates.unusableLink().render()).type(HTML), PAGE_CSP).build();
    }

    private URI returnLocation(FlowResult result) {
        Map<String, String> query = new LinkedHashMap<>();
        if (result.succeeded()) {
            query.put("success", result.integrationType());
        } else {
            query.put("error", result.error());
        }
        if (!result.missingScopes().isEmpty()) {
            query.put("missing_scope", String.join(" ", result.missingScopes()));
        }
        String path = result.returnTo() == null ? ReturnTo.DEFAULT : result.returnTo();
        String fragment = result.confirmation() == null ? ""
                : "#" + UrlEncoding.query(Map.of("confirmation", result.confirmation()));
        return URI.create(config.frontendUrl() + path + "?" + UrlEncoding.query(query) + fragment);
    }

    private String popupPage(FlowResult result) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", result.integrationType());
        message.put("status", result.succeeded() ? "success" : "error");
        if (result.confirmation() != null) {
            message.put("confirmation", result.confirmation());
        } else if (result.succeeded()) {
            message.put("connection_id", result.connectionId().toString());
        } else {
            message.put("error", result.error());
            message.put("missing_scope", result.missingScopes());
        }
        String data;
        try {
            // Inside <script type="application/json"> only "<" could end the element: escape it.
            data = json.writeValueAsString(Map.of("origin", config.frontendUrl(), "message", message))
                    .replace("<", "\\u003c");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return Templates.popup(new RawString(data), new RawString(POPUP_SCRIPT)).render();
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
