package dev.integrationhub.activity.rest;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.integrationhub.activity.service.ActivityEntry;

/**
 * One activity entry as the web app shows it.
 *
 * @param at when it happened (for {@code refreshed}: the day's first refresh)
 * @param kind what happened: {@code connected}, {@code renewed}, {@code refreshed}, {@code token_handed_out},
 *        {@code gmail_sent}, {@code drive_uploaded}, {@code telegram_sent}, {@code needs_reauth},
 *        {@code recovered}, {@code revoked} or {@code disconnected}
 * @param actor {@code you} (the person, through the web app), a platform service's client id, or {@code hub}
 * @param summary one line for people, in English
 * @param details the kind's facts (never a token or content)
 */
public record ActivityEntryView(Instant at, String kind, String actor, String summary, Map<String, Object> details,
        UUID connectionId) {

    public static ActivityEntryView of(ActivityEntry entry) {
        Map<String, Object> details = new LinkedHashMap<>(entry.details);
        if (entry.refreshDay != null) {
            details.put("count", entry.count);
            details.put("day", entry.refreshDay.toString());
            details.put("last_at", entry.lastAt.toString());
        }
        return new ActivityEntryView(entry.occurredAt, entry.kind, entry.actor, summary(entry.kind, details),
                Collections.unmodifiableMap(details), entry.connectionId);
    }

    private static String summary(String kind, Map<String, Object> details) {
        return switch (kind) {
            case "connected" -> "Connected";
            case "renewed" -> "Connected again: a new grant";
            case "refreshed" -> "Access token refreshed " + times(details.get("count"));
            case "token_handed_out" -> "Access token handed out";
            case "gmail_sent" -> details.containsKey("subject")
                    ? "Mail \"" + details.get("subject") + "\" sent to " + String.join(", ", strings(details.get("recipients")))
                    : "Mail sent to " + plural(details.get("recipient_count"), "recipient");
            case "drive_uploaded" -> "Uploaded " + details.get("file_name") + " (" + details.get("size") + " bytes)";
            case "telegram_sent" -> plural(details.get("messages"), "Telegram message") + " sent";
            case "needs_reauth" -> "Needs you to connect again: " + details.get("reason");
            case "recovered" -> "Working again";
            case "revoked" -> "Access revoked at the provider";
            case "disconnected" -> "Disconnected";
            default -> kind;
        };
    }

    private static String times(Object count) {
        return Integer.valueOf(1).equals(count) ? "once" : count + " times";
    }

    private static String plural(Object count, String noun) {
        return count + " " + noun + (Integer.valueOf(1).equals(count) ? "" : "s");
    }

    private static List<String> strings(Object list) {
        return list instanceof List<?> items ? items.stream().map(String::valueOf).toList() : List.of();
    }
}
