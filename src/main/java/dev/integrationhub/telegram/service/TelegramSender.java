package dev.integrationhub.telegram.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.integrationhub.auth.CurrentCaller.Caller;
import dev.integrationhub.auth.CurrentCaller.PlatformService;
import dev.integrationhub.connection.ConnectionFact;
import dev.integrationhub.connection.ConnectionIds;
import dev.integrationhub.connection.service.ActionTargets;
import dev.integrationhub.connection.service.ActionTargets.ActionTarget;
import dev.integrationhub.connection.service.ConnectionService;
import dev.integrationhub.connection.service.ConnectionUses;
import dev.integrationhub.error.Problem;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.idempotency.AtMostOnce;
import dev.integrationhub.idempotency.OutcomeUnknownException;
import dev.integrationhub.telegram.bot.TelegramBot;
import dev.integrationhub.telegram.bot.TelegramCallException;
import dev.integrationhub.telegram.rest.SendTelegramRequest;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Sends messages through the platform's bot to a Telegram connection's verified chat (its default chat, or the
 * private chat it was bound in), with the same caller rules, audit and at-most-once {@code Idempotency-Key}
 * semantics as Gmail send. A text over Telegram's 4096 characters is refused, or split into several messages on
 * request.
 */
@ApplicationScoped
public class TelegramSender {

    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);
    static final int MAX_LENGTH = 4096;
    private static final int MAX_PARTS = 20;
    private static final Set<String> PARSE_MODES = Set.of("MarkdownV2", "HTML");
    private static final String OPERATION = "telegram.send";

    /**
     * What Telegram answered.
     *
     * @param messageId the (first) message's id
     * @param messageIds every message's id, when the text was split
     */
    public record SentTelegram(long messageId, List<Long> messageIds) {
    }

    /** What makes two requests the same: the connection they act with and the request. */
    @RegisterForReflection // hashed as JSON by the ObjectMapper
    private record Fingerprinted(UUID connectionId, SendTelegramRequest request) {
    }

    private final ActionTargets targets;
    private final TelegramBot bot;
    private final AtMostOnce once;
    private final ConnectionUses uses;

    TelegramSender(ActionTargets targets, TelegramBot bot, AtMostOnce once, ConnectionUses uses) {
        this.targets = targets;
        this.bot = bot;
        this.once = once;
        this.uses = uses;
    }

    /**
     * @throws ProblemException 400 invalid request; 404/409 connection; 422 {@code chat_not_verified}; 409
     *         {@code reauth_required} (also when the bot was blocked or the chat is gone); 503
     *         {@code telegram_unavailable}; 502 {@code outcome_unknown}
     */
    @WithSpan("action.telegram_send")
    public SentTelegram send(Caller caller, SendTelegramRequest request, Optional<String> idempotencyKey) {
        AtMostOnce.requireKey(caller instanceof PlatformService, idempotencyKey);
        List<String> parts = validate(request);
        Optional<UUID> connectionId = Optional.ofNullable(request.connectionId()).map(ConnectionIds::parse);
        if (!bot.configured()) {
            throw new ProblemException(409, "telegram_not_configured", "Telegram not configured",
                    "The platform's Telegram bot is not configured.");
        }
        ActionTarget target = targets.resolve(caller, TelegramLinks.INTEGRATION_TYPE, connectionId);
        target.requireUsable();
        String chatId = chat(target, request.chatId());
        return once.run(caller.scope(), idempotencyKey, OPERATION, new Fingerprinted(target.id(), request),
                SentTelegram.class, () -> deliver(caller, target, chatId, parts, request));
    }

    private SentTelegram deliver(Caller caller, ActionTarget target, String chatId, List<String> parts,
            SendTelegramRequest request) {
        List<Long> ids = new ArrayList<>();
        for (String part : parts) {
            try {
                ids.add(bot.sendMessage(chatId, part, Optional.ofNullable(request.parseMode()),
                        Boolean.TRUE.equals(request.disableNotification())).messageId());
            } catch (TelegramCallException e) {
                if (!ids.isEmpty() || e.mayHaveTakenEffect()) {
                    throw new OutcomeUnknownException("the message");
                }
                throw problem(e, target);
            }
        }
        uses.record(caller, target.id(), target.userId(), "action.telegram_send",
                Map.of("parts", ids.size(), "message_ids", ids),
                new ConnectionFact.TelegramSent(List.copyOf(ids)));
        return new SentTelegram(ids.getFirst(), List.copyOf(ids));
    }

    private ProblemException problem(TelegramCallException e, ActionTarget target) {
        return switch (e.kind()) {
            case RATE_LIMITED, UNAVAILABLE -> new ProblemException(503, "telegram_unavailable", "Telegram unavailable",
                    "Telegram cannot take this message now; nothing was sent. Try again later.")
                    .withRetryAfter(e.retryAfter().orElse(DEFAULT_RETRY_AFTER));
            case BLOCKED, CHAT_NOT_FOUND -> {
                targets.markNeedsReauth(target.id(), e.kind() == TelegramCallException.Kind.BLOCKED
                        ? "the bot was blocked or removed in the chat"
                        : "the chat no longer exists for the bot");
                yield ProblemException
                        .reauthRequired("The bot can no longer write to this chat; the user must connect Telegram again.");
            }
            case REJECTED -> new ProblemException(422, "telegram_rejected", "Telegram rejected the message",
                    "Telegram refused the message: " + e.description().orElse("no reason given") + ".");
        };
    }

    /** The chat to send to: the one asked for, if the connection verified it, else its default. */
    private static String chat(ActionTarget target, String requested) {
        Object defaultChat = target.metadata().get(ConnectionService.DEFAULT_CHAT_ID);
        Object privateChat = target.metadata().get(ConnectionService.PRIVATE_CHAT_ID);
        if (requested == null) {
            Object chat = defaultChat != null ? defaultChat : privateChat;
            if (chat == null) {
                throw new ProblemException(409, "no_chat", "No chat", "This connection has no verified chat yet.");
            }
            return String.valueOf(chat);
        }
        if (requested.equals(String.valueOf(defaultChat)) || requested.equals(String.valueOf(privateChat))) {
            return requested;
        }
        throw new ProblemException(422, "chat_not_verified", "Chat not verified",
                "Messages go only to chats this connection verified; set it as default_chat_id and verify it first.");
    }

    private static List<String> validate(SendTelegramRequest request) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String text = request.text();
        boolean split = Boolean.TRUE.equals(request.split());
        List<String> parts = List.of();
        if (text == null || text.isBlank()) {
            errors.add(new Problem.FieldError("text", "is required"));
        } else if (text.length() > MAX_LENGTH && !split) {
            errors.add(new Problem.FieldError("text", "must have at most " + MAX_LENGTH
                    + " characters (or send \"split\": true)"));
        } else {
            parts = split(text);
            if (parts.size() > MAX_PARTS) {
                errors.add(new Problem.FieldError("text", "is too long even for " + MAX_PARTS + " messages"));
            }
        }
        if (request.parseMode() != null && !PARSE_MODES.contains(request.parseMode())) {
            errors.add(new Problem.FieldError("parse_mode", "must be MarkdownV2 or HTML"));
        }
        if (request.chatId() != null && !request.chatId().matches("-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}")) {
            errors.add(new Problem.FieldError("chat_id", "must be a numeric Telegram chat id or an @channel name"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return parts;
    }

    /** Pieces of at most {@link #MAX_LENGTH} characters, cut after a line break or space where there is one. */
    static List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        String rest = text;
        while (rest.length() > MAX_LENGTH) {
            int cut = Math.max(rest.lastIndexOf('\n', MAX_LENGTH - 1), rest.lastIndexOf(' ', MAX_LENGTH - 1)) + 1;
            if (cut <= MAX_LENGTH / 2) {
                cut = Character.isHighSurrogate(rest.charAt(MAX_LENGTH - 1)) ? MAX_LENGTH - 1 : MAX_LENGTH;
            }
            parts.add(rest.substring(0, cut));
            rest = rest.substring(cut);
        }
        if (!rest.isEmpty()) {
            parts.add(rest);
        }
        return parts;
    }
}
