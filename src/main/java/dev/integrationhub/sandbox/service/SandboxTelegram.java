package dev.integrationhub.sandbox.service;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.crypto.FlowSecrets;

/**
 * Telegram for dev mode: the Bot API methods the hub calls ({@code getMe}, {@code setWebhook}, {@code sendMessage}),
 * answered as Telegram answers ({@code {"ok":true,"result":...}} or {@code {"ok":false,"error_code":...,
 * "description":...}}), and the other side of the bot's chats: a person pressing Start on the sandbox's chat page
 * sends {@code /start <code>} to the hub's webhook as Telegram would (the same update JSON, the secret header). The
 * Bot API accepts only the bot token the hub is configured with. A chat can be blocked on the console; the bot then
 * gets Telegram's 403 in it until Start is pressed again. Chats and the messages in them are kept in memory, bounded.
 */
@ApplicationScoped
public class SandboxTelegram {

    private static final Logger LOG = Logger.getLogger(SandboxTelegram.class);
    /** What a sandbox Telegram user may be called: a Telegram username. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{2,31}");
    private static final Pattern CHAT_ID = Pattern.compile("-?[0-9]{1,19}");
    private static final Pattern START_CODE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int MAX_TEXT = 4096;
    private static final Duration CHAT_LIFETIME = Duration.ofDays(30);
    private static final String WEBHOOK_PATH = "/api/integrations/telegram/webhook";

    /** A private chat of a sandbox Telegram user with the bot. */
    public record Chat(long id, String name, boolean blocked) {
    }

    /** A message in a chat: the person's {@code /start} or the bot's text. */
    public record ChatMessage(long chatId, long messageId, boolean fromBot, String text, Instant at) {
    }

    /** A Bot API answer: its HTTP status and Telegram's JSON. */
    public record Answer(int status, JsonNode body) {
    }

    /** What posting an update to the hub's webhook led to: the chat and the webhook's HTTP status (0: no answer). */
    public record Delivery(long chatId, int status) {
    }

    private record Webhook(URI url, String secret) {
    }

    private final ObjectMapper json;
    private final HttpClient http;
    private final InstantSource clock;
    private final Optional<String> botToken;
    private final Optional<String> botUsername;
    private final Duration timeout;
    private final ExpiringMap<Long, Chat> chats;
    private final RecentItems<ChatMessage> messages;
    private final AtomicLong updateIds;
    private final AtomicLong messageIds = new AtomicLong();
    private volatile Webhook webhook;

    SandboxTelegram(ObjectMapper json, HttpClient http, InstantSource clock, HubConfig config) {
        this.json = json;
        this.http = http;
        this.clock = clock;
        this.botToken = config.telegram().botToken();
        this.botUsername = config.telegram().botUsername();
        this.timeout = config.providerCalls().timeout();
        this.chats = new ExpiringMap<>(clock, SandboxAuthorizationServer.MAX_ENTRIES);
        this.messages = new RecentItems<>(config.sandbox().maxItems());
        // the hub remembers update ids across restarts of the sandbox: start above any id used before
        this.updateIds = new AtomicLong(clock.instant().toEpochMilli());
        this.webhook = new Webhook(URI.create(config.publicUrl() + WEBHOOK_PATH),
                config.telegram().webhookSecret().orElse(""));
    }

    /** The bot's username, if the hub has a bot. */
    public Optional<String> botUsername() {
        return botUsername;
    }

    /**
     * One Bot API call.
     *
     * @param bot the path segment {@code bot<token>}
     * @param body the request's JSON body, empty for none
     */
    public Answer call(String bot, String method, byte[] body) {
        if (botToken.isEmpty() || !MessageDigest.isEqual(("bot" + botToken.get()).getBytes(StandardCharsets.UTF_8),
                bot.getBytes(StandardCharsets.UTF_8))) {
            return error(401, "Unauthorized");
        }
        JsonNode params;
        try {
            params = body.length == 0 ? json.createObjectNode() : json.readTree(body);
        } catch (IOException e) {
            return error(400, "Bad Request: can't parse JSON object");
        }
        return switch (method) {
            case "getMe" -> ok(me());
            case "setWebhook" -> setWebhook(params);
            case "sendMessage" -> sendMessage(params);
            default -> error(404, "Not Found");
        };
    }

    /**
     * A person presses Start in the chat a deep link opened: the chat is (re)opened, unblocked, and
     * {@code /start <code>} goes to the hub's webhook as Telegram posts updates.
     *
     * @param name the person's Telegram username (see {@link #NAME})
     * @param code the deep link's {@code start} parameter, or null
     * @throws IllegalArgumentException for a name or code Telegram would not carry
     */
    public Delivery start(String name, String code) {
        if (name == null || !NAME.matcher(name).matches() || (code != null && !START_CODE.matcher(code).matches())) {
            throw new IllegalArgumentException("a name of 3-32 letters, digits or _, and a start code of up to 64");
        }
        long chatId = chatIdOf(name);
        Chat chat = new Chat(chatId, name, false);
        chats.put(chatId, chat, clock.instant().plus(CHAT_LIFETIME));
        long messageId = messageIds.incrementAndGet();
        Instant now = clock.instant();
        messages.add(new ChatMessage(chatId, messageId, false, "/start", now));
        ObjectNode user = json.createObjectNode().put("id", chatId).put("is_bot", false).put("first_name", name)
                .put("username", name).put("language_code", "en");
        ObjectNode chatNode = json.createObjectNode().put("id", chatId).put("first_name", name).put("username", name)
                .put("type", "private");
        String text = code == null ? "/start" : "/start " + code;
        ObjectNode message = json.createObjectNode().put("message_id", messageId).<ObjectNode> set("from", user)
                .<ObjectNode> set("chat", chatNode).put("date", now.getEpochSecond()).put("text", text);
        message.putArray("entities").addObject().put("offset", 0).put("length", "/start".length())
                .put("type", "bot_command");
        ObjectNode update = json.createObjectNode().put("update_id", updateIds.incrementAndGet());
        update.set("message", message);
        return new Delivery(chatId, deliver(update));
    }

    /** Blocks or unblocks the bot in a chat, as its person would; an unknown chat changes nothing. */
    public void block(long chatId, boolean blocked) {
        chats.update(chatId, chat -> new Chat(chat.id(), chat.name(), blocked));
    }

    /** Every chat, by id. */
    public List<Chat> chats() {
        return chats.values().stream().sorted(Comparator.comparingLong(Chat::id)).toList();
    }

    /** A chat, if known. */
    public Optional<Chat> chat(long chatId) {
        return chats.get(chatId);
    }

    /** The messages kept of one chat, oldest first. */
    public List<ChatMessage> messagesOf(long chatId) {
        return messages.oldestFirst(message -> message.chatId() == chatId);
    }

    /** The bot's messages and Start presses kept, newest first. */
    public RecentItems.Listing<ChatMessage> messages() {
        return messages.listing();
    }

    private ObjectNode me() {
        String token = botToken.orElseThrow();
        return json.createObjectNode().put("id", Long.parseLong(token.substring(0, token.indexOf(':'))))
                .put("is_bot", true).put("first_name", "Integration Hub (sandbox)")
                .put("username", botUsername.orElse("sandbox_bot")).put("can_join_groups", false);
    }

    private Answer setWebhook(JsonNode params) {
        String url = params.path("url").asText("");
        if (url.isEmpty()) {
            webhook = null;
            return ok(json.getNodeFactory().booleanNode(true), "Webhook was deleted");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return error(400, "Bad Request: bad webhook: invalid URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            return error(400, "Bad Request: bad webhook: unsupported URL protocol");
        }
        webhook = new Webhook(uri, params.path("secret_token").asText(""));
        return ok(json.getNodeFactory().booleanNode(true), "Webhook was set");
    }

    private Answer sendMessage(JsonNode params) {
        String chatId = params.path("chat_id").asText("");
        String text = params.path("text").asText("");
        if (chatId.isEmpty()) {
            return error(400, "Bad Request: chat_id is empty");
        }
        if (text.isBlank()) {
            return error(400, "Bad Request: message text is empty");
        }
        if (text.length() > MAX_TEXT) {
            return error(400, "Bad Request: message is too long");
        }
        Optional<Chat> chat = CHAT_ID.matcher(chatId).matches() ? chats.get(Long.parseLong(chatId)) : Optional.empty();
        if (chat.isEmpty()) {
            return error(400, "Bad Request: chat not found");
        }
        if (chat.get().blocked()) {
            return error(403, "Forbidden: bot was blocked by the user");
        }
        ChatMessage sent = new ChatMessage(chat.get().id(), messageIds.incrementAndGet(), true, text, clock.instant());
        messages.add(sent);
        ObjectNode result = json.createObjectNode().put("message_id", sent.messageId());
        result.set("from", me());
        result.set("chat", json.createObjectNode().put("id", chat.get().id()).put("first_name", chat.get().name())
                .put("username", chat.get().name()).put("type", "private"));
        result.put("date", sent.at().getEpochSecond()).put("text", text);
        return ok(result);
    }

    /** Posts an update to the webhook; its HTTP status, 0 when it did not answer. */
    private int deliver(ObjectNode update) {
        Webhook target = webhook;
        if (target == null) {
            return 0;
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(target.url()).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("X-Telegram-Bot-Api-Secret-Token", target.secret())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(update))).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an update is always JSON", e);
        } catch (IOException e) {
            LOG.infof("Sandbox: the bot's webhook did not answer (%s)", e.getClass().getSimpleName());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private Answer ok(JsonNode result) {
        ObjectNode body = json.createObjectNode().put("ok", true);
        body.set("result", result);
        return new Answer(200, body);
    }

    private Answer ok(JsonNode result, String description) {
        Answer answer = ok(result);
        ((ObjectNode) answer.body()).put("description", description);
        return answer;
    }

    private Answer error(int status, String description) {
        return new Answer(status,
                json.createObjectNode().put("ok", false).put("error_code", status).put("description", description));
    }

    /** A stable chat id per name, as a Telegram user's id is: a positive 10-digit number. */
    private static long chatIdOf(String name) {
        byte[] hash = FlowSecrets.sha256(name.toLowerCase(Locale.ROOT));
        long value = Long.parseUnsignedLong(HexFormat.of().formatHex(hash, 0, 7), 16);
        return 1_000_000_000L + value % 9_000_000_000L;
    }
}
