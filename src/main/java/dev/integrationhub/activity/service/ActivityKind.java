package dev.integrationhub.activity.service;

import java.util.Locale;

/** What an activity entry says happened; its wire name is the lower-case constant. */
public enum ActivityKind {
    /** The owner connected the account (or connected it again after a disconnect). */
    CONNECTED,
    /** The owner connected the account again while the connection still existed: a new grant. */
    RENEWED,
    /** The hub refreshed the access token; one entry per connection and UTC day, with a count. */
    REFRESHED,
    /** A platform service was handed an access token. */
    TOKEN_HANDED_OUT,
    GMAIL_SENT,
    DRIVE_UPLOADED,
    TELEGRAM_SENT,
    /** The owner must connect again; the entry says why. */
    NEEDS_REAUTH,
    /** Healthy again after a degraded spell or a reauthorization. */
    RECOVERED,
    /** The provider confirmed the revocation of the disconnected grant. */
    REVOKED,
    /** The owner disconnected. */
    DISCONNECTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
