package dev.integrationhub.oauth.rest;

import java.util.Optional;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.integrationhub.auth.CurrentUser;
import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.ConnectMethod;
import dev.integrationhub.connection.rest.ConnectionView;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.oauth.service.ConnectFlowService;
import dev.integrationhub.oauth.service.ConnectFlowService.CallbackOutcome;
import dev.integrationhub.oauth.service.ConnectFlowService.Connected;
import dev.integrationhub.oauth.service.ConnectFlowService.Failed;
import dev.integrationhub.oauth.service.ConnectFlowService.Held;
import dev.integrationhub.oauth.service.HeldGrants;

/**
 * The connect flow over HTTP. {@code connect} is called by the web app with the user's bearer token;
 * {@code authorize} and {@code callback} are browser navigations (no bearer token), protected by the flow's
 * one-time handle, state and browser-binding cookie instead.
 */
@Path("/api/integrations")
public class ConnectResource {

    private final ConnectFlowService flows;
    private final HeldGrants held;
    private final BrowserResponses browser;
    private final BindingCookie cookies;
    private final CurrentUser user;
    private final HubConfig config;
    private final Instance<ConnectMethod> otherMethods;

    ConnectResource(ConnectFlowService flows, HeldGrants held, BrowserResponses browser, BindingCookie cookies,
            CurrentUser user, HubConfig config, @Any Instance<ConnectMethod> otherMethods) {
        this.otherMethods = otherMethods;
        this.flows = flows;
        this.held = held;
        this.browser = browser;
        this.cookies = cookies;
        this.user = user;
        this.config = config;
    }

    @POST
    @Path("connect")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start connecting an account: answers the URL the browser opens next.")
    public ConnectResponse connect(@NotNull @Valid ConnectRequest request) {
        Optional<ConnectMethod> other = otherMethods.stream().filter(m -> m.offers(request.integrationType()))
                .findFirst();
        if (other.isPresent()) {
            ConnectMethod.Started started = other.get().start(user.id(), request.integrationType());
            return new ConnectResponse(started.url(), started.expiresAt());
        }
        ConnectFlowService.StartedConnect started = flows.start(user.id(), request.integrationType(),
                request.returnTo(), request.display());
        return new ConnectResponse(started.oauthUrl(), started.expiresAt());
    }

    @GET
    @Path("authorize")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Browser hop: binds the flow to this browser and redirects to the provider.")
    public Response authorize(@QueryParam("flow") String handle) {
        return flows.authorize(handle)
                .map(redirect -> browser.toProvider(redirect.location(),
                        cookies.bind(redirect.flowId(), redirect.binding(), config.flow().ttl())))
                .orElseGet(browser::unusableLink);
    }

    @GET
    @Path("callback")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "The registered redirect URI: finishes the flow and returns the browser to the web app.")
    public Response callback(@QueryParam("state") String state, @QueryParam("code") String code,
            @QueryParam("error") String error, @Context HttpHeaders headers) {
        CallbackOutcome outcome = flows.callback(state, code, error, BindingCookie.presentedIn(headers));
        FlowResult result = switch (outcome) {
            case Held holding -> FlowResult.held(holding.flow().orElseThrow(), holding.confirmation());
            case Connected connected -> FlowResult.connected(connected.flow().orElseThrow(), connected.grant().connection().id);
            case Failed failed -> FlowResult.failed(failed.flow(), failed.code(), failed.missingScopes());
        };
        return browser.result(result);
    }

    @POST
    @Path("confirm")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Turn the grant a connect flow holds into a connection: only the user who started the flow"
            + " can; 201 for a new connection, 200 for a renewed one.")
    public Response confirm(@NotNull @Valid ConfirmRequest request) {
        return switch (held.confirm(user.id(), request.confirmation())) {
            case HeldGrants.Confirmed confirmed -> Response.status(confirmed.grant().created() ? 201 : 200)
                    .entity(ConnectionView.of(confirmed.grant().connection())).build();
            case HeldGrants.Unusable unusable -> throw new ProblemException(409, "no_refresh_token",
                    "Cannot be kept connected", "The provider issued no refresh token for this account; connect again.");
            case HeldGrants.Foreign foreign -> throw unknownConfirmation();
            case HeldGrants.Unknown unknown -> throw unknownConfirmation();
        };
    }

    private static ProblemException unknownConfirmation() {
        return ProblemException.notFound("This confirmation code is unknown, was already used, or has expired.");
    }
}
