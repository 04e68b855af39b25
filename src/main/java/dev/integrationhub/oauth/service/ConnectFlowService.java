package dev.integrationhub.oauth.service;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.service.ConnectionService;
import dev.integrationhub.connection.service.ConnectionService.RecordedGrant;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.http.UrlEncoding;
import dev.integrationhub.oauth.OAuthFlow;
import dev.integrationhub.oauth.ReturnTo;
import dev.integrationhub.provider.Grant;
import dev.integrationhub.provider.Integrations;
import dev.integrationhub.provider.Integrations.OAuthIntegration;
import dev.integrationhub.provider.ProviderAccount;
import dev.integrationhub.provider.ProviderCallException;
import dev.integrationhub.provider.ProviderClient;
import io.quarkus.runtime.StartupEvent;

/**
 * The authorization-code flow with PKCE, from {@code POST /connect} to the stored grant. Every way a callback
 * can fail ends in a stable error code, with nothing stored and a log line without secrets.
 */
@ApplicationScoped
public class ConnectFlowService {

    private static final Logger LOG = Logger.getLogger(ConnectFlowService.class);
    public static final String CALLBACK_PATH = "/api/integrations/callback";
    public static final String AUTHORIZE_PATH = "/api/integrations/authorize";

    private final FlowStore flows;
    private final HeldGrants held;
    private final Integrations integrations;
    private final ProviderClient providers;
    private final ConnectionService connections;
    private final HubConfig config;

    ConnectFlowService(FlowStore flows, HeldGrants held, Integrations integrations, ProviderClient providers,
            ConnectionService connections, HubConfig config) {
        this.flows = flows;
        this.held = held;
        this.integrations = integrations;
        this.providers = providers;
        this.connections = connections;
        this.config = config;
    }

    void warnWithoutConfirmation(@Observes StartupEvent started) {
        if (!config.flow().requireConfirmation()) {
            LOG.warn("hub.flow.require-confirmation=false: a grant becomes a connection at the callback, so anyone who"
                    + " opens a user's connect link attaches their own account to that user. Migrate the web app to"
                    + " POST /api/integrations/confirm and remove this setting.");
        }
    }

    /** What {@code POST /connect} answers. */
    public record StartedConnect(URI oauthUrl, Instant expiresAt) {
    }

    /**
     * Where {@code /authorize} sends the browser, and the value that binds the flow to it.
     *
     * @param binding the secret the browser must present at the callback for flow {@code flowId}
     */
    public record ProviderRedirect(URI location, UUID flowId, String binding) {
    }

    /** How a callback ended. */
    public sealed interface CallbackOutcome {

        /** The flow, if the state named one: it says how to answer (redirect or popup) and where to. */
        Optional<OAuthFlow> flow();
    }

    /** Without confirmation ({@code hub.flow.require-confirmation=false}): the grant is now a connection. */
    public record Connected(Optional<OAuthFlow> flow, RecordedGrant grant) implements CallbackOutcome {
    }

    /**
     * The grant is held with the flow until its user confirms it.
     *
     * @param confirmation the one-time code for the browser that finished the flow
     */
    public record Held(Optional<OAuthFlow> flow, String confirmation) implements CallbackOutcome {

        @Override
        public String toString() {
            return "Held[" + flow.map(f -> f.id) + "]";
        }
    }

    /**
     * @param missingScopes the required scopes the user did not grant, for {@code missing_scope}
     */
    public record Failed(Optional<OAuthFlow> flow, String code, List<String> missingScopes) implements CallbackOutcome {
    }

    public StartedConnect start(String userId, String integrationType, String returnTo, String display) {
        OAuthIntegration integration = integrations.find(integrationType)
                .orElseThrow(() -> ProblemException.badRequest("unknown_integration_type",
                        "integration_type must be one of " + integrations.types() + "."));
        String path = ReturnTo.validate(returnTo, config.flow().returnToAllowlist())
                .orElseThrow(() -> ProblemException.badRequest("invalid_return_to",
                        "return_to must be a relative path of the web app under one of "
                                + config.flow().returnToAllowlist() + "."));
        if (!integration.provider().isClientConfigured()) {
            throw new ProblemException(503, "provider_not_configured", "Provider not configured",
                    "The " + integration.provider().name() + " OAuth client of this hub is not configured.");
        }
        FlowStore.StartedFlow flow = flows.start(userId, integrationType, integration.provider().name(), path,
                display == null ? "redirect" : display);
        URI oauthUrl = URI.create(config.publicUrl() + AUTHORIZE_PATH + "?flow=" + flow.handle());
        return new StartedConnect(oauthUrl, flow.expiresAt());
    }

    /** The provider's authorization URL for a flow handle; empty if the handle cannot be used (any more). */
    public Optional<ProviderRedirect> authorize(String handle) {
        return flows.authorize(handle).map(authorized -> {
            OAuthFlow flow = authorized.flow();
            OAuthIntegration integration = integrations.find(flow.integrationType).orElseThrow();
            Map<String, String> query = new LinkedHashMap<>();
            query.put("response_type", "code");
            query.put("client_id", integration.provider().config().clientId().orElseThrow());
            query.put("redirect_uri", redirectUri().toString());
            query.put("scope", String.join(" ", integration.requestedScopes()));
            query.put("state", authorized.state());
            query.put("code_challenge", authorized.pkceChallenge());
            query.put("code_challenge_method", "S256");
            integration.provider().config().authorizationParams().forEach(query::putIfAbsent);
            URI endpoint = integration.provider().config().authorizationUri();
            String separator = endpoint.getRawQuery() == null ? "?" : "&";
            URI location = URI.create(endpoint + separator + UrlEncoding.query(query));
            return new ProviderRedirect(location, flow.id, authorized.binding());
        });
    }

    /**
     * Finishes a flow: checks state and browser, exchanges the code, checks scopes, stores the grant.
     *
     * @param presentedBinding the binding value the request presents for a flow id, if any
     */
    public CallbackOutcome callback(String state, String code, String providerError,
            Function<UUID, Optional<String>> presentedBinding) {
        FlowStore.Claim claim = flows.claim(state, presentedBinding);
        if (claim instanceof FlowStore.Rejected rejected) {
            return fail(rejected.flow(), rejected.code(), List.of());
        }
        FlowStore.Claimed claimed = (FlowStore.Claimed) claim;
        OAuthFlow flow = claimed.flow();
        Optional<OAuthFlow> known = Optional.of(flow);
        if (providerError != null) {
            return fail(known, "access_denied".equals(providerError) ? "access_denied" : "provider_error", List.of());
        }
        if (code == null || code.isBlank() || code.length() > 2048) {
            return fail(known, "code_missing", List.of());
        }
        OAuthIntegration integration = integrations.find(flow.integrationType).orElseThrow();
        Grant grant;
        try {
            grant = providers.exchangeCode(integration.provider(), code, claimed.pkceVerifier(), redirectUri(),
                    integration.requestedScopes());
        } catch (ProviderCallException e) {
            return fail(known, failureCode(e), List.of(), e.getMessage());
        }
        Optional<ProviderAccount> account = Optional.empty();
        try {
            List<String> missing = integration.requiredScopes().stream().filter(s -> !grant.grantedScopes().contains(s))
                    .toList();
            if (!missing.isEmpty()) {
                held.revokeUnused(flow, accountIfKnown(integration, grant), grant);
                return fail(known, "missing_scope", missing);
            }
            account = Optional.of(providers.userinfo(integration.provider(), grant.accessToken()));
            if (!connections.canKeepFresh(flow.userId, flow.integrationType, flow.provider, account.get().subject(),
                    grant)) {
                held.revokeUnused(flow, account, grant);
                return fail(known, "no_refresh_token", List.of());
            }
            if (config.flow().requireConfirmation()) {
                String confirmation = flows.hold(flow.id, grant, account.get());
                LOG.infof("Connect flow %s: grant held for confirmation by user %s", flow.id, flow.userId);
                return new Held(known, confirmation);
            }
            RecordedGrant recorded = connections.recordGrant(flow.userId, flow.integrationType, flow.provider,
                    account.get(), grant);
            LOG.infof("Connect flow %s: %s connection %s for user %s", flow.id,
                    recorded.created() ? "new" : "renewed", recorded.connection().id, flow.userId);
            return new Connected(known, recorded);
        } catch (ProviderCallException e) {
            held.revokeUnused(flow, account, grant);
            return fail(known, failureCode(e), List.of(), e.getMessage());
        } catch (ConnectionService.NoRefreshTokenException e) {
            held.revokeUnused(flow, account, grant);
            return fail(known, "no_refresh_token", List.of());
        } catch (RuntimeException e) {
            LOG.errorf("Connect flow %s failed unexpectedly after the code exchange: %s", flow.id,
                    e.getClass().getName());
            held.revokeUnused(flow, account, grant);
            return fail(known, "internal_error", List.of());
        }
    }

    /** The account of a grant that cannot be used, if the provider names it; only to spare its live siblings. */
    private Optional<ProviderAccount> accountIfKnown(OAuthIntegration integration, Grant grant) {
        try {
            return Optional.of(providers.userinfo(integration.provider(), grant.accessToken()));
        } catch (ProviderCallException e) {
            return Optional.empty();
        }
    }

    private static String failureCode(ProviderCallException e) {
        return switch (e.failure()) {
            case REJECTED -> "token_exchange_failed";
            case TIMEOUT -> "provider_timeout";
            case UNAVAILABLE, UNREACHABLE -> "provider_unavailable";
        };
    }

    /** The registered redirect URI: exactly the same string in the authorization and the token request. */
    public URI redirectUri() {
        return URI.create(config.publicUrl() + CALLBACK_PATH);
    }

    private static Failed fail(Optional<OAuthFlow> flow, String code, List<String> missingScopes) {
        return fail(flow, code, missingScopes, null);
    }

    private static Failed fail(Optional<OAuthFlow> flow, String code, List<String> missingScopes, String cause) {
        LOG.infof("Connect flow %s failed: %s%s", flow.map(f -> f.id.toString()).orElse("(unknown)"), code,
                cause == null ? "" : " (" + cause + ")");
        return new Failed(flow, code, missingScopes);
    }
}
