package dev.integrationhub.oauth.rest;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.integrationhub.oauth.OAuthFlow;

/**
 * How a connect flow ended, as the browser is told: everything {@link BrowserResponses#result} needs to answer
 * the callback, in one value.
 *
 * @param flowId the flow the state named, whose binding cookie is cleared; empty if the state named none
 * @param popup whether to answer with the popup page instead of a redirect
 * @param returnTo the web app's path to redirect to; {@code null} for the default
 * @param integrationType the type being connected; {@code null} if the flow is unknown
 * @param connectionId the connection stored, on success without confirmation; {@code null} otherwise
 * @param confirmation the one-time code that confirms the held grant, on success; {@code null} otherwise
 * @param error the callback error code on failure; {@code null} on success
 * @param missingScopes the required scopes the user did not grant (only with {@code missing_scope})
 */
public record FlowResult(Optional<UUID> flowId, boolean popup, String returnTo, String integrationType,
        UUID connectionId, String confirmation, String error, List<String> missingScopes) {

    public FlowResult {
        if ((connectionId == null && confirmation == null) == (error == null)) {
            throw new IllegalArgumentException("a flow result is either a success or an error");
        }
        missingScopes = List.copyOf(missingScopes);
    }

    /** The flow stored a connection (without confirmation). */
    public static FlowResult connected(OAuthFlow flow, UUID connectionId) {
        return new FlowResult(Optional.of(flow.id), flow.isPopup(), flow.returnTo, flow.integrationType, connectionId,
                null, null, List.of());
    }

    /** The flow holds a grant until the web app confirms it with this code. */
    public static FlowResult held(OAuthFlow flow, String confirmation) {
        return new FlowResult(Optional.of(flow.id), flow.isPopup(), flow.returnTo, flow.integrationType, null,
                confirmation, null, List.of());
    }

    /** The flow failed with a callback error code; {@code flow} is empty if the state named no flow. */
    public static FlowResult failed(Optional<OAuthFlow> flow, String error, List<String> missingScopes) {
        return new FlowResult(flow.map(f -> f.id), flow.map(OAuthFlow::isPopup).orElse(false),
                flow.map(f -> f.returnTo).orElse(null), flow.map(f -> f.integrationType).orElse(null), null, null, error,
                missingScopes);
    }

    public boolean succeeded() {
        return error == null;
    }

    @Override
    public String toString() {
        return "FlowResult[" + flowId + ", " + (succeeded() ? "success" : error) + "]";
    }
}
