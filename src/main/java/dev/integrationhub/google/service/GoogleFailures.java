package dev.integrationhub.google.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;

import dev.integrationhub.connection.service.ActionTargets;
import dev.integrationhub.connection.service.ActionTargets.ActionTarget;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.http.Backoff;

/**
 * What a refusal by a Google API means for the caller, as one of the hub's problems. Google's raw answer never
 * reaches the caller or the log: only its status and its error reasons (short identifiers such as
 * {@code insufficientPermissions}), which carry no content.
 */
@ApplicationScoped
public class GoogleFailures {

    private static final Logger LOG = Logger.getLogger(GoogleFailures.class);
    /** What Google's reasons look like; anything else is not repeated. */
    private static final Pattern REASON = Pattern.compile("[A-Za-z][A-Za-z0-9_.]{0,63}");
    private static final Set<String> MISSING_SCOPE = Set.of("insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT");
    private static final Set<String> RATE_LIMITED = Set.of("rateLimitExceeded", "userRateLimitExceeded",
            "RATE_LIMIT_EXCEEDED");
    /** What a caller is told to wait when Google did not say. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);

    private final ActionTargets targets;

    GoogleFailures(ActionTargets targets) {
        this.targets = targets;
    }

    /** Google's error reasons, most specific last; only well-formed identifiers. */
    public static List<String> reasons(GoogleJsonResponseException e) {
        List<String> reasons = new ArrayList<>();
        GoogleJsonError details = e.getDetails();
        if (details != null) {
            if (details.getErrors() != null) {
                details.getErrors().forEach(info -> reasons.add(info.getReason()));
            }
            if (details.getDetails() != null) {
                details.getDetails().forEach(detail -> reasons.add(detail.getReason()));
            }
        }
        return reasons.stream().filter(r -> r != null && REASON.matcher(r).matches()).distinct().toList();
    }

    /**
     * The problem for a refusal any action may meet: a missing scope makes the connection {@code needs_reauth}
     * (409 {@code reauth_required}); rate limits, 429 and 5xx are 503 with {@code Retry-After}; a 400 is 422 with
     * Google's reason; anything else is 502.
     *
     * @param action what was refused, for the log ({@code gmail.send})
     * @param requiredScope the scope the action needs, named when Google says a scope is missing
     */
    public ProblemException of(GoogleJsonResponseException e, ActionTarget target, String action, String requiredScope) {
        int status = e.getStatusCode();
        List<String> reasons = reasons(e);
        LOG.infof("Connection %s: Google refused %s with HTTP %d %s", target.id(), action, status, reasons);
        if (status == 403 && (reasons.stream().anyMatch(MISSING_SCOPE::contains) || insufficientScope(e))) {
            targets.markNeedsReauth(target.id(), "the provider refused an action: missing scope " + requiredScope);
            return ProblemException
                    .reauthRequired("The account no longer grants " + requiredScope + "; the user must connect it again.");
        }
        if (status == 429 || status >= 500 || (status == 403 && reasons.stream().anyMatch(RATE_LIMITED::contains))) {
            return unavailable().withRetryAfter(
                    Backoff.retryAfter(e.getHeaders().getRetryAfter()).orElse(DEFAULT_RETRY_AFTER));
        }
        if (status == 401) {
            return unavailable(
                    "Google did not accept this connection's credentials even after they were renewed; try again later.");
        }
        String reason = reasons.isEmpty() ? "unknown" : reasons.getFirst();
        if (status == 400) {
            return new ProblemException(422, "google_rejected", "Google rejected the request",
                    "Google refused the request as invalid (reason: " + reason + ").");
        }
        return new ProblemException(502, "google_error", "Google error",
                "Google answered HTTP " + status + " (reason: " + reason + ").");
    }

    /** 503: Google cannot take the request now; nothing was done. */
    public static ProblemException unavailable() {
        return unavailable("Google cannot take this request right now; nothing was done. Try again later.");
    }

    /** 503 {@code google_unavailable} with this detail, to be tried again after {@link #DEFAULT_RETRY_AFTER}. */
    static ProblemException unavailable(String detail) {
        return new ProblemException(503, "google_unavailable", "Google unavailable", detail)
                .withRetryAfter(DEFAULT_RETRY_AFTER);
    }

    private static boolean insufficientScope(GoogleJsonResponseException e) {
        return Optional.ofNullable(e.getHeaders().getAuthenticate()).filter(h -> h.contains("insufficient_scope"))
                .isPresent();
    }
}
