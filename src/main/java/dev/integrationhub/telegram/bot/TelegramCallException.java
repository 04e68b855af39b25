package dev.integrationhub.telegram.bot;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A call to the Bot API did not succeed, and what the caller can do about it ({@link #kind()}). Every Bot API URL
 * holds the bot token, so this exception never carries one: no cause from the HTTP layer is chained, and the
 * message names the method, the kind, Telegram's error code and (shortened) description only.
 */
public class TelegramCallException extends RuntimeException {

    /** How the call failed. */
    public enum Kind {
        /** 429: too many requests; {@link #retryAfter()} says when Telegram takes one again, if it said. */
        RATE_LIMITED,
        /** 403: the bot may not write to the chat (blocked by the user, user deactivated, bot kicked). */
        BLOCKED,
        /** 400 {@code chat not found}: no chat with this id or username, or one the bot never saw. */
        CHAT_NOT_FOUND,
        /** Any other 4xx: the same request will fail again; {@link #description()} says why. */
        REJECTED,
        /** 5xx, no answer in time, no connection, or an answer that is not the Bot API's: may succeed later. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final int errorCode;
    private final String description;
    private final Duration retryAfter;
    private final boolean outcomeUnknown;

    TelegramCallException(Kind kind, String method, int errorCode, String description, Duration retryAfter,
            String detail) {
        this(kind, method, errorCode, description, retryAfter, detail, false);
    }

    /** @param outcomeUnknown the request was sent but no (complete) answer came back */
    TelegramCallException(Kind kind, String method, int errorCode, String description, Duration retryAfter,
            String detail, boolean outcomeUnknown) {
        super(message(kind, method, errorCode, description, retryAfter, detail), null, false, false);
        this.kind = kind;
        this.errorCode = errorCode;
        this.description = description;
        this.retryAfter = retryAfter;
        this.outcomeUnknown = outcomeUnknown;
    }

    /**
     * Whether the call may have taken effect although it failed: the request went out but its answer never came
     * (a timeout), so Telegram may have acted on it. A refused connection or an error answer is not.
     */
    public boolean mayHaveTakenEffect() {
        return outcomeUnknown;
    }

    private static String message(Kind kind, String method, int errorCode, String description, Duration retryAfter,
            String detail) {
        StringBuilder message = new StringBuilder("Telegram ").append(method).append(": ")
                .append(kind.name().toLowerCase(Locale.ROOT));
        if (errorCode > 0) {
            message.append(" (error ").append(errorCode).append(')');
        }
        if (retryAfter != null) {
            message.append(", retry after ").append(retryAfter.toSeconds()).append('s');
        }
        if (description != null) {
            message.append(": ").append(description);
        }
        if (detail != null) {
            message.append(": ").append(detail);
        }
        return message.toString();
    }

    public Kind kind() {
        return kind;
    }

    /** Telegram's {@code error_code} (the HTTP status), or 0 when there was no answer from Telegram. */
    public int errorCode() {
        return errorCode;
    }

    /** Telegram's {@code description} of the failure, at most 200 characters, if it gave one. */
    public Optional<String> description() {
        return Optional.ofNullable(description);
    }

    /** How long Telegram asked to wait ({@code parameters.retry_after}), if it did. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
