package dev.integrationhub.telegram.service;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.integrationhub.connection.service.ConnectionService;
import dev.integrationhub.telegram.bot.TelegramBot;
import dev.integrationhub.telegram.bot.TelegramCallException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Handles the updates Telegram posts to the webhook: a {@code /start <code>} from a private chat binds that chat
 * to the user whose deep link it was, as a {@code telegram} connection; everything else is ignored. Each update
 * counts once (by {@code update_id}, in the same transaction as what it changes), because Telegram delivers an
 * update again until it gets a 2xx. The bot's answer in the chat goes out after the commit, off the webhook's
 * request, so that Telegram gets its 200 at once.
 */
@ApplicationScoped
public class TelegramUpdates {

    private static final Logger LOG = Logger.getLogger(TelegramUpdates.class);
    private static final Pattern START = Pattern.compile("/start(?:@[A-Za-z0-9_]{1,64})?(?:\\s+(\\S+))?\\s*");
    private static final Pattern CHAT_ID = Pattern.compile("-?[0-9]{1,20}");
    /** How long an update id is remembered: Telegram gives up redelivering long before. */
    private static final Duration REMEMBERED = Duration.ofDays(2);

    static final String CONNECTED = "Connected: messages from the platform will arrive in this chat.";
    static final String LINK_UNUSABLE = "This connect link has expired or was already used. Please start again from"
            + " the app.";
    static final String HOW_TO_CONNECT = "Hello! To connect this chat, use \"Connect Telegram\" in the app.";

    /** What the bot says in a chat once the update's transaction has committed. */
    private record Reply(String chatId, String text) {
    }

    private final EntityManager entityManager;
    private final TelegramLinks links;
    private final ConnectionService connections;
    private final TelegramBot bot;
    private final InstantSource clock;
    private final ExecutorService replies = Executors.newVirtualThreadPerTaskExecutor();

    TelegramUpdates(EntityManager entityManager, TelegramLinks links, ConnectionService connections, TelegramBot bot,
            InstantSource clock) {
        this.entityManager = entityManager;
        this.links = links;
        this.connections = connections;
        this.bot = bot;
        this.clock = clock;
    }

    /** Handles one update; one already handled, or of no interest, changes nothing. */
    public void handle(JsonNode update) {
        QuarkusTransaction.requiringNew().call(() -> record(update))
                .ifPresent(reply -> replies.submit(() -> answer(reply)));
    }

    private Optional<Reply> record(JsonNode update) {
        JsonNode updateId = update.path("update_id");
        if (!updateId.canConvertToLong() || !firstDelivery(updateId.asLong())) {
            return Optional.empty();
        }
        JsonNode message = update.path("message");
        String chatId = message.path("chat").path("id").asText("");
        if (!"private".equals(message.path("chat").path("type").asText()) || !CHAT_ID.matcher(chatId).matches()
                || !message.path("text").isTextual()) {
            return Optional.empty();
        }
        Matcher start = START.matcher(message.path("text").asText());
        if (!start.matches()) {
            return Optional.empty();
        }
        if (start.group(1) == null) {
            return Optional.of(new Reply(chatId, HOW_TO_CONNECT));
        }
        Optional<String> user = links.redeem(start.group(1));
        JsonNode from = message.path("from");
        if (user.isEmpty() || !from.path("id").canConvertToLong()) {
            return Optional.of(new Reply(chatId, LINK_UNUSABLE));
        }
        String username = from.path("username").isTextual() ? "@" + from.path("username").asText() : null;
        Map<String, Object> chats = new HashMap<>();
        chats.put(ConnectionService.DEFAULT_CHAT_ID, Long.parseLong(chatId));
        chats.put(ConnectionService.PRIVATE_CHAT_ID, Long.parseLong(chatId));
        connections.recordBinding(user.get(), TelegramLinks.INTEGRATION_TYPE, TelegramLinks.INTEGRATION_TYPE,
                String.valueOf(from.path("id").asLong()), username, chats);
        return Optional.of(new Reply(chatId, CONNECTED));
    }

    private boolean firstDelivery(long updateId) {
        return entityManager.createNativeQuery("INSERT INTO telegram_updates (update_id, received_at) VALUES (?1, ?2)"
                + " ON CONFLICT DO NOTHING").setParameter(1, updateId).setParameter(2, clock.instant())
                .executeUpdate() == 1;
    }

    private void answer(Reply reply) {
        try {
            bot.sendMessage(reply.chatId(), reply.text(), Optional.empty(), false);
        } catch (TelegramCallException e) {
            LOG.warnf("The bot could not answer in a chat it was just started in: %s", e.getMessage());
        }
    }

    /** Forgets handled updates, and link codes and chat checks that expired. */
    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew().run(() -> {
            entityManager.createNativeQuery("DELETE FROM telegram_updates WHERE received_at < ?1")
                    .setParameter(1, now.minus(REMEMBERED)).executeUpdate();
            entityManager.createNativeQuery("DELETE FROM telegram_link_codes WHERE expires_at < ?1")
                    .setParameter(1, now).executeUpdate();
            entityManager.createNativeQuery("DELETE FROM telegram_chat_checks WHERE expires_at < ?1")
                    .setParameter(1, now).executeUpdate();
        });
    }

    @PreDestroy
    void stop() {
        replies.shutdown();
    }
}
