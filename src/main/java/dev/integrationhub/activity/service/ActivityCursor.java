package dev.integrationhub.activity.service;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.integrationhub.activity.service.ActivityRepository.Position;
import dev.integrationhub.error.ProblemException;

/**
 * The opaque {@code cursor} of an activity listing: the position of the last entry given out, (occurred_at, id),
 * and which listing it belongs to, base64url-encoded. Clients pass it back unchanged; one that does not decode to a
 * position of the same listing (garbled, forged, or taken from another listing) is {@code 400 invalid_cursor}.
 * It reveals nothing the entries themselves do not show.
 */
final class ActivityCursor {

    /** {@code v1.<listing>.<epoch microseconds>.<id>}; a listing is {@code all} or a connection id. */
    private static final Pattern FORMAT = Pattern
            .compile(
                    "v1\\.(all|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.(-?[0-9]{1,19})\\.([0-9]{1,19})");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int MAX_LENGTH = 128;

    private ActivityCursor() {
    }

    /** The cursor after this entry, in the given listing. */
    static String after(String listing, ActivityEntry entry) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, entry.occurredAt);
        return ENCODER.encodeToString(("v1." + listing + "." + micros + "." + entry.id).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The position a cursor of the given listing stands for; none for an absent or empty cursor.
     *
     * @throws ProblemException 400 {@code invalid_cursor}
     */
    static Optional<Position> parse(String listing, String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return Optional.empty();
        }
        if (cursor.length() > MAX_LENGTH) {
            throw invalid();
        }
        String decoded;
        try {
            decoded = new String(DECODER.decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        Matcher matcher = FORMAT.matcher(decoded);
        if (!matcher.matches() || !matcher.group(1).equals(listing)) {
            throw invalid();
        }
        try {
            long micros = Long.parseLong(matcher.group(2));
            long id = Long.parseLong(matcher.group(3));
            Instant at = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
            if (id < 1) {
                throw invalid();
            }
            return Optional.of(new Position(at, id));
        } catch (NumberFormatException | ArithmeticException | DateTimeException e) {
            throw invalid();
        }
    }

    private static ProblemException invalid() {
        return ProblemException.badRequest("invalid_cursor",
                "The cursor is not one this listing gave out; start again without it.");
    }
}
