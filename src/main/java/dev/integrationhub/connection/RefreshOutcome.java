package dev.integrationhub.connection;

import java.util.Locale;

/** How recording a refresh (or its failure) ended; a label of the {@code hub_refresh_outcomes_total} metric. */
public enum RefreshOutcome {
    /** New tokens stored. */
    REFRESHED,
    /** New tokens stored for a {@code degraded} grant, which is {@code active} again. */
    RECOVERED,
    /** The grant can no longer be refreshed; the user must connect again. */
    NEEDS_REAUTH,
    /** A transient failure; retried after a backoff. */
    RETRYING,
    /** A transient failure that made an {@code active} grant {@code degraded}; retried after a backoff. */
    DEGRADED,
    /** The row changed since the claim (another caller or a reconnect); this result was dropped. */
    SUPERSEDED;

    /** The metric label. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
