package dev.integrationhub.testsupport;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * The Telegram Bot API as the platform's bot reaches it ({@code hub.telegram.api-root-url}), stubbed per test on the
 * shared WireMock server under {@code /telegram/bot<token>/<method>}, with Telegram's answer and error shapes.
 */
public final class FakeTelegram {

    /** Where the bot's methods live: the token is part of every Bot API URL. */
    public static final String BOT_PATH = FakeProviders.TELEGRAM_API_PATH + "/bot" + FakeProviders.TELEGRAM_BOT_TOKEN
            + "/";
    /** The bot's user id, as {@code getMe} and the messages' {@code from} say (the token's first part). */
    public static final long BOT_ID = 123456789L;
    /** The numeric id {@link #acceptsMessages} gives a chat addressed as {@code @channelusername}. */
    public static final long CHANNEL_ID = -1001000000001L;
    /** How many messages {@link #acceptsMessages} numbers; later ones repeat the last number. */
    static final int NUMBERED_MESSAGES = 100;
    private static final String MESSAGES_SCENARIO = "telegram-messages";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;

    public FakeTelegram(WireMockServer server) {
        this.server = server;
    }

    /** The path of a Bot API method, e.g. {@code sendMessage}. */
    public static String path(String method) {
        return BOT_PATH + method;
    }

    /** Telegram's answer to a call that succeeded: {@code {"ok":true,"result":<result>}}. */
    public static ResponseDefinitionBuilder ok(String resultJson) {
        return okJson("{\"ok\":true,\"result\":" + resultJson + "}");
    }

    /**
     * Telegram's answer to a call that failed, with {@code code} as HTTP status and {@code error_code}, and with
     * {@code parameters.retry_after} if {@code retryAfter} is given.
     */
    public static ResponseDefinitionBuilder telegramError(int code, String description, Integer retryAfter) {
        String parameters = retryAfter == null ? "" : ",\"parameters\":{\"retry_after\":" + retryAfter + "}";
        return okJson("{\"ok\":false,\"error_code\":" + code + ",\"description\":" + quoted(description) + parameters + "}")
                .withStatus(code);
    }

    /** The method answers every call this way. */
    public void answers(String method, ResponseDefinitionBuilder response) {
        server.stubFor(post(urlPathEqualTo(path(method))).willReturn(response));
    }

    /** {@code getMe} names the bot {@link FakeProviders#TELEGRAM_BOT_USERNAME}, as Telegram does. */
    public void knowsTheBot() {
        answers("getMe", ok("{\"id\":" + BOT_ID + ",\"is_bot\":true,\"first_name\":\"Integration Hub\",\"username\":\""
                + FakeProviders.TELEGRAM_BOT_USERNAME + "\",\"can_join_groups\":true,\"can_read_all_group_messages\":false,"
                + "\"supports_inline_queries\":false}"));
    }

    /** {@code setWebhook} accepts every registration, as Telegram does. */
    public void acceptsWebhooks() {
        answers("setWebhook", okJson("{\"ok\":true,\"result\":true,\"description\":\"Webhook was set\"}"));
    }

    /**
     * {@code sendMessage} accepts every message with Telegram's answer: message ids 1, 2, 3, ... in the order the
     * messages arrive, and the chat's numeric id (the one sent, or {@link #CHANNEL_ID} for an {@code @username}).
     */
    public void acceptsMessages() {
        for (int id = 1; id <= NUMBERED_MESSAGES; id++) {
            server.stubFor(post(urlPathEqualTo(path("sendMessage"))).inScenario(MESSAGES_SCENARIO)
                    .whenScenarioStateIs(id == 1 ? Scenario.STARTED : "sent-" + (id - 1))
                    .willSetStateTo(id == NUMBERED_MESSAGES ? "sent-" + (id - 1) : "sent-" + id)
                    .willReturn(ok("{\"message_id\":" + id + ",\"from\":{\"id\":" + BOT_ID + ",\"is_bot\":true,"
                            + "\"first_name\":\"Integration Hub\",\"username\":\"" + FakeProviders.TELEGRAM_BOT_USERNAME
                            + "\"},\"chat\":{\"id\":{{#if (matches (jsonPath request.body '$.chat_id') '-?[0-9]+')}}"
                            + "{{jsonPath request.body '$.chat_id'}}{{else}}" + CHANNEL_ID + "{{/if}},\"type\":\"private\"},"
                            + "\"date\":1764300000,\"text\":\"(sent)\"}").withTransformers("response-template")));
        }
    }

    /** The bodies of the {@code sendMessage} calls, oldest first ({@code chat_id}, {@code text}, ...). */
    public List<Map<String, Object>> sentMessages() {
        return bodies("sendMessage");
    }

    /** The bodies of the {@code setWebhook} calls, oldest first ({@code url}, {@code secret_token}, ...). */
    public List<Map<String, Object>> webhookRegistrations() {
        return bodies("setWebhook");
    }

    /** The calls of a method that reached the fake, oldest first. */
    public List<LoggedRequest> requests(String method) {
        return server.findAll(postRequestedFor(urlPathEqualTo(path(method))));
    }

    private List<Map<String, Object>> bodies(String method) {
        return requests(method).stream().map(request -> {
            try {
                return JSON.readValue(request.getBodyAsString(), new TypeReference<Map<String, Object>>() {
                });
            } catch (IOException e) {
                throw new UncheckedIOException("the bot sent " + method + " a body that is not JSON", e);
            }
        }).toList();
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
