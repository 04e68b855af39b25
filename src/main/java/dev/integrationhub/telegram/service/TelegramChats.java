package dev.integrationhub.telegram.service;

import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.ChatCheckRequested;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.rest.ConnectionView;
import dev.integrationhub.connection.service.ConnectionService;
import dev.integrationhub.crypto.FlowSecrets;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.telegram.bot.TelegramBot;
import dev.integrationhub.telegram.bot.TelegramCallException;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Verifying a group or channel as a Telegram connection's default chat: the bot posts a 6-digit code there, and
 * only the user who types it back (within {@code hub.flow.ttl}, {@link #MAX_TRIES} tries, then the code dies)
 * makes it the default. So a person can only point the platform's bot at chats they can read.
 */
@ApplicationScoped
public class TelegramChats {

    static final int MAX_TRIES = 5;
    private static final int CODE_DIGITS = 6;

    /** How a verification attempt ended. */
    private enum Verdict {
        VERIFIED,
        WRONG,
        DEAD,
        NONE
    }

    private record Attempt(Verdict verdict, int triesLeft, ConnectionView connection) {
    }

    private final EntityManager entityManager;
    private final ConnectionService connections;
    private final TelegramBot bot;
    private final InstantSource clock;
    private final HubConfig.Flow flow;

    TelegramChats(EntityManager entityManager, ConnectionService connections, TelegramBot bot, InstantSource clock,
            HubConfig config) {
        this.entityManager = entityManager;
        this.connections = connections;
        this.bot = bot;
        this.clock = clock;
        this.flow = config.flow();
    }

    /**
     * Posts a new code to the requested chat, replacing any earlier one; in the transaction that stores the chat as
     * pending, which fails with it if the bot cannot post there.
     */
    void onCheckRequested(@Observes ChatCheckRequested request) {
        if (!bot.configured()) {
            throw new ProblemException(409, "telegram_not_configured", "Telegram not configured",
                    "The platform's Telegram bot is not configured, so no chat can be verified.");
        }
        String code = FlowSecrets.digits(CODE_DIGITS);
        entityManager.createNativeQuery("INSERT INTO telegram_chat_checks (connection_id, chat_id, code_hash,"
                + " failed_tries, expires_at) VALUES (?1, ?2, ?3, 0, ?4) ON CONFLICT (connection_id) DO UPDATE SET"
                + " chat_id = EXCLUDED.chat_id, code_hash = EXCLUDED.code_hash, failed_tries = 0,"
                + " expires_at = EXCLUDED.expires_at").setParameter(1, request.connectionId())
                .setParameter(2, request.chatId()).setParameter(3, FlowSecrets.sha256(code))
                .setParameter(4, clock.instant().plus(flow.ttl())).executeUpdate();
        try {
            bot.sendMessage(request.chatId(), "Code to send the platform's messages to this chat: " + code
                    + " (valid " + flow.ttl().toMinutes() + " minutes). Type it in the app.", Optional.empty(), true);
        } catch (TelegramCallException e) {
            throw switch (e.kind()) {
                case RATE_LIMITED, UNAVAILABLE -> new ProblemException(503, "telegram_unavailable",
                        "Telegram unavailable", "Telegram cannot take the verification message now; try again later.")
                        .withRetryAfter(e.retryAfter().orElse(TelegramSender.DEFAULT_RETRY_AFTER));
                case BLOCKED, CHAT_NOT_FOUND, REJECTED -> new ProblemException(422, "chat_unreachable",
                        "Chat unreachable", "The bot cannot post in this chat: add it to the group or channel (as"
                                + " an administrator of a channel) and try again.");
            };
        }
    }

    /**
     * Checks the code the user typed for the connection's pending chat.
     *
     * @throws ProblemException 404 for an unknown or foreign connection; 409 {@code no_chat_pending}; 422
     *         {@code wrong_code} with the tries left (none: the code is dead and the chat dropped)
     */
    public ConnectionView verify(String userId, UUID id, String code) {
        Attempt attempt = QuarkusTransaction.requiringNew().call(() -> attempt(userId, id, code));
        return switch (attempt.verdict()) {
            case VERIFIED -> attempt.connection();
            case NONE -> throw new ProblemException(409, "no_chat_pending", "No chat to verify",
                    "This connection waits for no chat verification (or its code expired); set the chat again.");
            case WRONG -> throw new ProblemException(422, "wrong_code", "Wrong code",
                    "The code is wrong; " + attempt.triesLeft() + " tries left.");
            case DEAD -> throw new ProblemException(422, "wrong_code", "Wrong code",
                    "The code is wrong and no tries are left: set the chat again to get a new code.");
        };
    }

    /** One try, committed whatever its verdict, so that a wrong code counts even though the answer is an error. */
    private Attempt attempt(String userId, UUID id, String code) {
        Connection connection = connections.get(userId, id);
        if (!TelegramLinks.INTEGRATION_TYPE.equals(connection.integrationType)) {
            throw ProblemException.notFound("You have no telegram connection with this id.");
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("SELECT chat_id, code_hash, failed_tries FROM"
                + " telegram_chat_checks WHERE connection_id = ?1 AND expires_at > ?2 FOR UPDATE")
                .setParameter(1, id).setParameter(2, clock.instant()).getResultList();
        if (rows.isEmpty()) {
            return new Attempt(Verdict.NONE, 0, null);
        }
        String chatId = (String) rows.getFirst()[0];
        if (FlowSecrets.matches(code, (byte[]) rows.getFirst()[1])) {
            delete(id);
            return connections.verifiedChat(id, chatId)
                    ? new Attempt(Verdict.VERIFIED, 0, ConnectionView.of(connection))
                    : new Attempt(Verdict.NONE, 0, null);
        }
        int tries = ((Number) rows.getFirst()[2]).intValue() + 1;
        if (tries >= MAX_TRIES) {
            delete(id);
            connections.droppedPendingChat(id);
            return new Attempt(Verdict.DEAD, 0, null);
        }
        entityManager.createNativeQuery("UPDATE telegram_chat_checks SET failed_tries = ?2 WHERE connection_id = ?1")
                .setParameter(1, id).setParameter(2, tries).executeUpdate();
        return new Attempt(Verdict.WRONG, MAX_TRIES - tries, null);
    }

    private void delete(UUID id) {
        entityManager.createNativeQuery("DELETE FROM telegram_chat_checks WHERE connection_id = ?1").setParameter(1, id)
                .executeUpdate();
    }
}
