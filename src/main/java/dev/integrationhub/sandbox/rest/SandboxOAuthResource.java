package dev.integrationhub.sandbox.rest;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.sandbox.SandboxClient;
import dev.integrationhub.sandbox.service.SandboxAuthorizationServer;
import dev.integrationhub.sandbox.service.SandboxAuthorizationServer.AskAgain;
import dev.integrationhub.sandbox.service.SandboxAuthorizationServer.Consent;
import dev.integrationhub.sandbox.service.SandboxAuthorizationServer.ErrorRedirect;
import dev.integrationhub.sandbox.service.SandboxAuthorizationServer.Redirect;
import dev.integrationhub.sandbox.service.SandboxAuthorizationServer.Refused;
import dev.integrationhub.sandbox.service.SandboxAuthorizationServer.Tokens;
import dev.integrationhub.sandbox.service.SandboxAuthorizationServer.UnknownTicket;
import dev.integrationhub.sandbox.service.SandboxFaults;
import dev.integrationhub.sandbox.service.SandboxFaults.Outage;
import dev.integrationhub.sandbox.service.SandboxOAuthException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The sandbox provider's OAuth 2.0 endpoints over HTTP, shaped like Google's: the authorization endpoint with its
 * consent page, the token endpoint (form in, JSON out, {@code client_secret_post}; during an outage set on the
 * console, {@link SandboxFaults}, it answers that outage's status), userinfo and revocation. The
 * hub reaches them only over HTTP, as it reaches Google. Off ({@code hub.sandbox.enabled=false}, the default
 * outside dev mode) every endpoint answers {@code 404}.
 */
@Path(SandboxClient.BASE_PATH)
public class SandboxOAuthResource {

    /** The default account on the consent page. */
    static final String DEFAULT_ACCOUNT = "alice@sandbox.test";
    private static final MediaType HTML = MediaType.TEXT_HTML_TYPE.withCharset("UTF-8");

    /** The sandbox's pages; their parameters are checked against the templates at build time. */
    @CheckedTemplate
    static class Templates {

        static native TemplateInstance consent(String ticket, List<String> scopes, String account, String problem);

        static native TemplateInstance refused(String reason);
    }

    /** A token endpoint error, as Google writes it. */
    public record OAuthError(String error) {
    }

    /** The userinfo answer. */
    public record Userinfo(String sub, String email, boolean emailVerified) {
    }

    private final SandboxAuthorizationServer server;
    private final SandboxFaults faults;
    private final boolean enabled;
    private final String csp;

    SandboxOAuthResource(SandboxAuthorizationServer server, SandboxFaults faults, HubConfig config) {
        this.server = server;
        this.faults = faults;
        this.enabled = config.sandbox().enabled();
        URI hub = URI.create(config.publicUrl());
        String hubOrigin = hub.getScheme() + "://" + hub.getRawAuthority();
        // Chrome applies form-action to every redirect after the form too: allow the hub's callback origin and the
        // web app's, where the callback sends a redirect flow's browser.
        this.csp = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self' " + hubOrigin
                + " " + config.frontendUrl() + "; frame-ancestors 'none'";
    }

    @GET
    @Path("authorize")
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response authorize(@QueryParam("client_id") String clientId, @QueryParam("redirect_uri") String redirectUri,
            @QueryParam("response_type") String responseType, @QueryParam("state") String state,
            @QueryParam("code_challenge") String codeChallenge,
            @QueryParam("code_challenge_method") String codeChallengeMethod, @QueryParam("scope") String scope) {
        requireEnabled();
        return switch (server.start(clientId, redirectUri, responseType, state, codeChallenge, codeChallengeMethod,
                scope)) {
            case Consent consent -> page(200, consentPage(consent, DEFAULT_ACCOUNT, null));
            case ErrorRedirect error -> redirect(error.location());
            case Refused refused -> page(400, Templates.refused(refused.reason()));
        };
    }

    @POST
    @Path("authorize")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response decide(@FormParam("ticket") String ticket, @FormParam("decision") String decision,
            @FormParam("account") String account, @FormParam("scope") List<String> scopes) {
        requireEnabled();
        return switch (server.decide(ticket, "allow".equals(decision), account, scopes)) {
            case Redirect redirect -> redirect(redirect.location());
            case AskAgain again -> page(400, consentPage(again.consent(), again.account(), again.problem()));
            case UnknownTicket unknown -> page(400,
                    Templates.refused("This consent page was already used or has expired. Start connecting again."));
        };
    }

    @POST
    @Path("token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Response token(@FormParam("grant_type") String grantType, @FormParam("client_id") String clientId,
            @FormParam("client_secret") String clientSecret, @FormParam("code") String code,
            @FormParam("redirect_uri") String redirectUri, @FormParam("code_verifier") String verifier,
            @FormParam("refresh_token") String refreshToken) {
        requireEnabled();
        Optional<Outage> outage = faults.tokenEndpointOutage();
        if (outage.isPresent()) {
            int status = outage.get().status();
            return noStore(Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new OAuthError(status == 429 ? "rate_limit_exceeded" : "internal_failure"))).build();
        }
        try {
            Tokens tokens = switch (grantType == null ? "" : grantType) {
                case "authorization_code" -> server.exchange(clientId, clientSecret, code, redirectUri, verifier);
                case "refresh_token" -> server.refresh(clientId, clientSecret, refreshToken);
                default -> throw new SandboxOAuthException(400, "unsupported_grant_type", "unsupported grant_type");
            };
            return noStore(Response.ok(tokens, MediaType.APPLICATION_JSON_TYPE)).build();
        } catch (SandboxOAuthException e) {
            return noStore(Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new OAuthError(e.error()))).build();
        }
    }

    @GET
    @Path("userinfo")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Response userinfo(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        requireEnabled();
        String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip()
                : null;
        return server.userinfo(token)
                .map(account -> Response.ok(new Userinfo(account.sub(), account.email(), true),
                        MediaType.APPLICATION_JSON_TYPE))
                .orElseGet(() -> Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
                        .type(MediaType.APPLICATION_JSON_TYPE).entity(new OAuthError("invalid_token")))
                .build();
    }

    @POST
    @Path("revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response revoke(@FormParam("token") String token) {
        requireEnabled();
        if (token == null || token.isEmpty()) {
            return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE).entity(new OAuthError("invalid_request"))
                    .build();
        }
        server.revoke(token);
        return Response.ok().build();
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new NotFoundException();
        }
    }

    private static TemplateInstance consentPage(Consent consent, String account, String problem) {
        return Templates.consent(consent.ticket(), consent.request().scopes(), account, problem);
    }

    /**
     * A page of the sandbox. Its referrer policy is {@code same-origin}, not {@code no-referrer}: under
     * {@code no-referrer} a browser sends the consent form with {@code Origin: null}, which the CORS filter refuses;
     * {@code same-origin} sends the hub's own origin with it and never a {@code Referer} to another origin.
     */
    private Response page(int status, TemplateInstance page) {
        return noStore(Response.status(status).entity(page.render()).type(HTML))
                .header("Referrer-Policy", "same-origin").header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", csp).build();
    }

    private static Response redirect(URI location) {
        return noStore(Response.status(302).location(location)).header("Referrer-Policy", "no-referrer").build();
    }

    private static Response.ResponseBuilder noStore(Response.ResponseBuilder response) {
        return response.header(HttpHeaders.CACHE_CONTROL, "no-store").header("Pragma", "no-cache");
    }

}
