package dev.integrationhub.activity.service;

import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import dev.integrationhub.audit.RowsInsert;
import dev.integrationhub.auth.CurrentCaller.Caller;
import dev.integrationhub.auth.CurrentCaller.PlatformService;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionFact;
import dev.integrationhub.connection.ConnectionFact.FileUploaded;
import dev.integrationhub.connection.ConnectionFact.MailSent;
import dev.integrationhub.connection.ConnectionFact.TelegramSent;
import dev.integrationhub.connection.ConnectionFact.TokenHandedOut;
import dev.integrationhub.connection.ConnectionRepository;
import dev.integrationhub.connection.service.ConnectionService;
import dev.integrationhub.connection.service.UseHistory;

/**
 * Writes the activity entries of what happens with connections, as the packages below tell it
 * ({@link ConnectionFact}; uses as {@link UseHistory}): synchronously, in the transaction or the statement that
 * writes the fact, so an entry exists exactly when its fact does. Keeps what the owner may see and nothing more:
 * never a token or content, and a mail's recipients and subject only when the owner chose to show them
 * ({@link ConnectionService#SHOW_MAIL_DETAILS}).
 */
@ApplicationScoped
public class ActivityRecorder implements UseHistory {

    /** The actor of what the owner did through the web app. */
    private static final String YOU = "you";
    /** The actor of what the hub did by itself (refreshes, status changes it noticed). */
    private static final String HUB = "hub";

    private final ActivityRepository entries;
    private final ConnectionRepository connections;
    private final InstantSource clock;

    ActivityRecorder(ActivityRepository entries, ConnectionRepository connections, InstantSource clock) {
        this.entries = entries;
        this.connections = connections;
        this.clock = clock;
    }

    @Transactional
    void record(@Observes ConnectionFact fact) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        switch (fact) {
            case ConnectionFact.Refreshed refreshed -> entries.countRefresh(refreshed.connectionId(), now, HUB);
            case ConnectionFact.MailDetailsHidden hidden -> entries.forgetMailDetails(hidden.connectionId());
            case ConnectionFact.Granted granted -> write(fact, now,
                    granted.created() ? ActivityKind.CONNECTED : ActivityKind.RENEWED, YOU, Map.of());
            case ConnectionFact.NeedsReauth needsReauth -> write(fact, now, ActivityKind.NEEDS_REAUTH, HUB,
                    Map.of("reason", Objects.toString(needsReauth.reason(), "unknown")));
            case ConnectionFact.Recovered recovered -> write(fact, now, ActivityKind.RECOVERED, HUB, Map.of());
            case ConnectionFact.Disconnected disconnected -> write(fact, now, ActivityKind.DISCONNECTED, YOU,
                    Map.of("provider_revocation", disconnected.providerRevocationQueued() ? "queued" : "skipped"));
            case ConnectionFact.RevokedAtProvider revoked -> write(fact, now, ActivityKind.REVOKED, HUB, Map.of());
        }
    }

    /**
     * The entries of uses recorded together, for the statement that also writes their audit entries. A use names
     * its connection's owner, so most need no read of the connection (a token hand-out's entry is written without
     * one); a sent mail's details depend on the owner's current choice (no entry for a mail whose connection is
     * gone), read outside any transaction, as the recording runs on its own.
     */
    @Override
    @ActivateRequestContext
    public RowsInsert insertOf(List<ConnectionFact.Used> uses) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<ActivityEntry> written = new ArrayList<>();
        for (ConnectionFact.Used used : uses) {
            String actor = actor(used.caller());
            switch (used.use()) {
                case TokenHandedOut token -> written.add(entry(used.connectionId(), used.ownerId(), now,
                        ActivityKind.TOKEN_HANDED_OUT, actor, Map.of("expires_at", token.expiresAt().toString())));
                case FileUploaded file -> written.add(entry(used.connectionId(), used.ownerId(), now,
                        ActivityKind.DRIVE_UPLOADED, actor,
                        Map.of("file_name", file.name(), "size", file.size(), "file_id", file.fileId())));
                case TelegramSent telegram -> written.add(entry(used.connectionId(), used.ownerId(), now,
                        ActivityKind.TELEGRAM_SENT, actor,
                        Map.of("messages", telegram.messageIds().size(), "message_ids", telegram.messageIds())));
                case MailSent mail -> connections.findForReading(used.connectionId())
                        .ifPresent(connection -> written.add(entry(connection.id, connection.userId, now,
                                ActivityKind.GMAIL_SENT, actor, mailDetails(mail, connection))));
            }
        }
        return entries.insertOf(written);
    }

    private static Map<String, Object> mailDetails(MailSent mail, Connection connection) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("recipient_count", mail.recipients().size());
        details.put("message_id", mail.messageId());
        if (Boolean.TRUE.equals(connection.metadata.get(ConnectionService.SHOW_MAIL_DETAILS))) {
            details.put("recipients", mail.recipients());
            details.put("subject", mail.subject());
        }
        return details;
    }

    /** {@code you} for the owner, the client id for a platform service. */
    private static String actor(Caller caller) {
        return caller instanceof PlatformService service ? service.clientId() : YOU;
    }

    /** Writes an entry for the fact's connection; nothing for an id that is no connection. */
    private void write(ConnectionFact fact, Instant at, ActivityKind kind, String actor, Map<String, Object> details) {
        connections.findForReading(fact.connectionId()).ifPresent(connection -> entries
                .persist(entry(connection.id, connection.userId, at, kind, actor, details)));
    }

    private static ActivityEntry entry(UUID connectionId, String userId, Instant at, ActivityKind kind, String actor,
            Map<String, Object> details) {
        ActivityEntry entry = new ActivityEntry();
        entry.connectionId = connectionId;
        entry.userId = userId;
        entry.occurredAt = at;
        entry.kind = kind.wireName();
        entry.actor = actor;
        entry.details = details;
        return entry;
    }
}
