package dev.integrationhub.telegram.bot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.client.api.LoggingScope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.telegram.bot.TelegramCallException.Kind;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.runtime.Startup;

/**
 * The one way the hub talks to the platform's Telegram bot: the few Bot API methods it needs, on a typed REST client
 * of the hub's own HTTP stack. The bot token is part of every Bot API URL, so no URL of that API leaves this class:
 * the client logs nothing, a non-2xx answer is read as Telegram's error JSON instead of becoming an exception of the
 * client, and every failure becomes a {@link TelegramCallException} without a cause. Each call is bounded by
 * {@code hub.provider-calls.timeout} (connecting, each wait for the answer, and the whole call) and its answer by
 * {@code hub.provider-calls.max-answer-bytes}.
 * <p>
 * Without {@code hub.telegram.bot-token} there is no bot ({@link #configured()} is false) and the service starts
 * without Telegram. Created at startup, so a token that is malformed, or one without a username and webhook secret,
 * stops the service before it serves.
 */
@Startup
@ApplicationScoped
public class TelegramBot {

    /** A token from BotFather: the bot's id, a colon, the secret. Nothing else may reach a URL. */
    private static final Pattern TOKEN = Pattern.compile("[0-9]{1,20}:[A-Za-z0-9_-]{1,200}");
    /** A chat's 64-bit id, or a public channel's {@code @username}. */
    private static final Pattern CHAT_ID = Pattern.compile("-?[0-9]{1,19}|@[A-Za-z][A-Za-z0-9_]{3,31}");
    private static final Pattern CONTROL_CHARACTERS = Pattern.compile("\\p{Cntrl}");
    /** The longest description of Telegram's kept in a {@link TelegramCallException}. */
    static final int MAX_DESCRIPTION = 200;

    private final Optional<BotApi> api;
    private final Optional<String> tokenSecret;
    private final Optional<String> username;
    private final ObjectMapper json;
    private final Duration timeout;
    private final int maxAnswerBytes;

    @Inject
    TelegramBot(HubConfig config, ObjectMapper json) {
        this(config, json, config.telegram().apiRootUrl());
    }

    /** A bot whose Bot API is at {@code apiRootUrl} (tests: a root where nothing listens). */
    TelegramBot(HubConfig config, ObjectMapper json, String apiRootUrl) {
        HubConfig.Telegram telegram = config.telegram();
        Optional<String> token = telegram.botToken();
        if (token.isPresent()) {
            if (!TOKEN.matcher(token.get()).matches()) {
                throw new IllegalStateException("hub.telegram.bot-token (env HUB_TELEGRAM_BOT_TOKEN) is not a bot"
                        + " token from BotFather: digits, a colon, then letters, digits, _ or -");
            }
            if (telegram.botUsername().isEmpty() || telegram.webhookSecret().isEmpty()) {
                throw new IllegalStateException("hub.telegram.bot-username and hub.telegram.webhook-secret (env"
                        + " HUB_TELEGRAM_BOT_USERNAME, HUB_TELEGRAM_WEBHOOK_SECRET) must be set with"
                        + " hub.telegram.bot-token");
            }
        }
        this.json = json;
        this.timeout = config.providerCalls().timeout();
        this.maxAnswerBytes = config.providerCalls().maxAnswerBytes();
        this.tokenSecret = token.map(t -> t.substring(t.indexOf(':') + 1));
        this.username = token.flatMap(t -> telegram.botUsername());
        this.api = token.map(t -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(apiRootUrl + "/bot" + t))
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .loggingScope(LoggingScope.NONE)
                .disableDefaultMapper(true)
                .build(BotApi.class));
    }

    /** Whether the platform has a bot ({@code hub.telegram.bot-token}); without one, Telegram is not offered. */
    public boolean configured() {
        return api.isPresent();
    }

    /** The bot's username, without {@code @} ({@code hub.telegram.bot-username}). */
    public String username() {
        return username.orElseThrow(TelegramBot::notConfigured);
    }

    /** Asks Telegram whom the token belongs to ({@code getMe}). */
    @WithSpan("telegram.get_me")
    public BotIdentity getMe() {
        BotAnswer.User me = result("getMe", BotApi::getMe, BotAnswer.User.class);
        if (me.id() == null || me.username() == null) {
            throw notTheBotApi("getMe", 200);
        }
        return new BotIdentity(me.id(), me.username());
    }

    /**
     * Has Telegram post the bot's updates to {@code url} ({@code setWebhook}), each with {@code secret} in
     * {@code X-Telegram-Bot-Api-Secret-Token}. Updates that are pending are still delivered.
     *
     * @param allowedUpdates the kinds of update to receive, e.g. {@code ["message"]}
     */
    @WithSpan("telegram.set_webhook")
    public void setWebhook(URI url, String secret, List<String> allowedUpdates) {
        call("setWebhook",
                bot -> bot.setWebhook(new BotApi.SetWebhook(url.toString(), secret, List.copyOf(allowedUpdates), false)));
    }

    /**
     * Sends a text message ({@code sendMessage}).
     *
     * @param chatId a chat's 64-bit id ({@code "-1001234567890"}) or a public channel's {@code "@channelusername"}
     * @param parseMode {@code MarkdownV2}, {@code HTML} or {@code Markdown}; empty: the text is sent as it is
     * @param disableNotification whether the recipients get the message without a sound
     * @throws IllegalArgumentException if {@code chatId} is neither
     */
    @WithSpan("telegram.send_message")
    public SentMessage sendMessage(String chatId, String text, Optional<String> parseMode, boolean disableNotification) {
        if (!CHAT_ID.matcher(chatId).matches()) {
            throw new IllegalArgumentException("not a Telegram chat id or @channelusername");
        }
        BotAnswer.Message sent = result("sendMessage", bot -> bot.sendMessage(
                new BotApi.SendMessage(chatId, text, parseMode.orElse(null), disableNotification)), BotAnswer.Message.class);
        if (sent.messageId() == null || sent.chat() == null || sent.chat().id() == null) {
            throw notTheBotApi("sendMessage", 200);
        }
        return new SentMessage(sent.messageId(), sent.chat().id());
    }

    @PreDestroy
    void close() {
        api.ifPresent(BotApi::close);
    }

    /** The {@code result} of a successful call, read as {@code type}. */
    private <T> T result(String method, Function<BotApi, Response> request, Class<T> type) {
        JsonNode result = call(method, request).result();
        try {
            T value = json.treeToValue(result, type);
            if (value != null) {
                return value;
            }
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // not what the method returns: reported below, without Jackson's message, which quotes the answer
        }
        throw notTheBotApi(method, 200);
    }

    /** Telegram's answer to a call that succeeded; any other outcome is thrown. */
    private BotAnswer call(String method, Function<BotApi, Response> request) {
        BotApi bot = api.orElseThrow(TelegramBot::notConfigured);
        long deadline = System.nanoTime() + timeout.toNanos();
        int status;
        byte[] body;
        try (Response response = request.apply(bot)) {
            status = response.getStatus();
            body = readBounded(method, response, deadline);
        } catch (TelegramCallException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // the client's exceptions name the URL, and so the token: only their types are kept
            throw new TelegramCallException(Kind.UNAVAILABLE, method, 0, null, null, noAnswer(e), !neverSent(e));
        }
        BotAnswer answer = parse(body);
        if (answer == null || answer.ok() == null) {
            throw notTheBotApi(method, status);
        }
        boolean succeeded = status >= 200 && status < 300;
        if (answer.ok() && succeeded && answer.result() != null) {
            return answer;
        }
        if (answer.ok()) {
            throw notTheBotApi(method, status);
        }
        throw failure(method, answer.errorCode() != null ? answer.errorCode() : status, answer);
    }

    /**
     * The body as it streams in. The client's read timeout only bounds each wait for more of it, so a body trickled
     * out slowly fails at the call's deadline, and one longer than {@code hub.provider-calls.max-answer-bytes} fails
     * without being read further.
     */
    private byte[] readBounded(String method, Response response, long deadline) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (!response.hasEntity()) {
            return body.toByteArray();
        }
        try (InputStream in = response.readEntity(InputStream.class)) {
            byte[] chunk = new byte[8192];
            for (int read = in.read(chunk); read != -1; read = in.read(chunk)) {
                if (body.size() + read > maxAnswerBytes) {
                    throw new TelegramCallException(Kind.UNAVAILABLE, method, 0, null, null,
                            "answer larger than " + maxAnswerBytes + " bytes (HTTP " + response.getStatus() + ")");
                }
                body.write(chunk, 0, read);
                if (System.nanoTime() - deadline > 0) {
                    throw new TelegramCallException(Kind.UNAVAILABLE, method, 0, null, null,
                            "no complete answer within " + timeout.toMillis() + " ms", true);
                }
            }
        }
        return body.toByteArray();
    }

    private BotAnswer parse(byte[] body) {
        try {
            return json.readValue(body, BotAnswer.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** What Telegram's error answer means for the caller. */
    private TelegramCallException failure(String method, int errorCode, BotAnswer answer) {
        String description = description(answer.description());
        Duration retryAfter = Optional.ofNullable(answer.parameters()).map(BotAnswer.Parameters::retryAfter)
                .filter(seconds -> seconds >= 0).map(Duration::ofSeconds).orElse(null);
        Kind kind;
        if (errorCode == 429) {
            kind = Kind.RATE_LIMITED;
        } else if (errorCode == 403) {
            kind = Kind.BLOCKED;
        } else if (errorCode == 400 && description != null
                && description.toLowerCase(Locale.ROOT).contains("chat not found")) {
            kind = Kind.CHAT_NOT_FOUND;
        } else if (errorCode >= 400 && errorCode < 500) {
            kind = Kind.REJECTED;
        } else {
            kind = Kind.UNAVAILABLE;
        }
        return new TelegramCallException(kind, method, errorCode, description, retryAfter, null);
    }

    /**
     * Telegram's description on one line, without the token's secret (Telegram never repeats it, but a wrong
     * {@code api-root-url} might), and at most {@link #MAX_DESCRIPTION} characters.
     */
    private String description(String description) {
        if (description == null || description.isBlank()) {
            return null;
        }
        String clean = CONTROL_CHARACTERS.matcher(description).replaceAll(" ").strip();
        if (tokenSecret.isPresent()) {
            clean = clean.replace(tokenSecret.get(), "<token>");
        }
        return clean.length() > MAX_DESCRIPTION ? clean.substring(0, MAX_DESCRIPTION) : clean;
    }

    /** Why there was no answer, by the types of the client's exceptions alone (their messages hold the URL). */
    private String noAnswer(Throwable failure) {
        StringBuilder types = new StringBuilder();
        boolean timedOut = false;
        for (Throwable t = failure; t != null && types.length() < 300; t = t.getCause()) {
            types.append(types.isEmpty() ? "" : " < ").append(t.getClass().getSimpleName());
            timedOut |= t instanceof TimeoutException || t instanceof SocketTimeoutException;
        }
        return (timedOut ? "no answer within " + timeout.toMillis() + " ms" : "no answer") + " (" + types + ")";
    }

    /** Whether the failure happened before the request could leave: no connection to Telegram at all. */
    private static boolean neverSent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static TelegramCallException notTheBotApi(String method, int status) {
        return new TelegramCallException(Kind.UNAVAILABLE, method, 0, null, null,
                "the answer (HTTP " + status + ") is not the Bot API's");
    }

    private static IllegalStateException notConfigured() {
        return new IllegalStateException("no Telegram bot: hub.telegram.bot-token is not set");
    }
}
