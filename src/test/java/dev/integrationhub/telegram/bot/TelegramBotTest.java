package dev.integrationhub.telegram.bot;

import static dev.integrationhub.testsupport.FakeTelegram.ok;
import static dev.integrationhub.testsupport.FakeTelegram.telegramError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.telegram.bot.TelegramCallException.Kind;
import dev.integrationhub.testsupport.CapturedLog;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.FakeTelegram;
import dev.integrationhub.testsupport.FreePorts;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The bot's calls against a fake Bot API served over HTTP: what each method sends and returns, what each failure
 * becomes, and that the bot token, part of every Bot API URL, reaches no exception, log line or metric.
 */
@QuarkusTest
class TelegramBotTest {

    private static final String TOKEN = FakeProviders.TELEGRAM_BOT_TOKEN;
    /** The token's secret part alone. */
    private static final String TOKEN_SECRET = TOKEN.substring(TOKEN.indexOf(':') + 1);

    @FakeProviders.InjectServer
    WireMockServer server;

    @Inject
    TelegramBot bot;

    @Inject
    HubConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry metrics;

    FakeTelegram telegram;

    @BeforeEach
    void fake() {
        telegram = new FakeTelegram(server);
    }

    @Test
    void withATokenTheBotIsConfiguredUnderItsUsername() {
        assertThat(bot.configured()).isTrue();
        assertThat(bot.username()).isEqualTo(FakeProviders.TELEGRAM_BOT_USERNAME);
    }

    @Test
    void getMeNamesTheBotOfTheToken() {
        telegram.knowsTheBot();

        assertThat(bot.getMe()).isEqualTo(new BotIdentity(FakeTelegram.BOT_ID, FakeProviders.TELEGRAM_BOT_USERNAME));
        assertThat(telegram.requests("getMe")).hasSize(1);
    }

    @Test
    void setWebhookSendsTheUrlTheSecretAndTheAllowedUpdates() {
        telegram.acceptsWebhooks();

        bot.setWebhook(URI.create("https://hub.example.com/api/telegram/webhook"), FakeProviders.TELEGRAM_WEBHOOK_SECRET,
                List.of("message"));

        assertThat(telegram.webhookRegistrations()).containsExactly(Map.of(
                "url", "https://hub.example.com/api/telegram/webhook",
                "secret_token", FakeProviders.TELEGRAM_WEBHOOK_SECRET,
                "allowed_updates", List.of("message"),
                "drop_pending_updates", false));
        assertThat(telegram.requests("setWebhook").getFirst().getHeader("Content-Type")).startsWith("application/json");
    }

    @Test
    void sendMessageSendsChatTextParseModeAndSilenceAndReturnsTelegramsMessageId() {
        telegram.acceptsMessages();

        SentMessage first = bot.sendMessage("-1001234567890", "*Build* failed", Optional.of("MarkdownV2"), true);
        SentMessage second = bot.sendMessage("42", "Grüße, <b>not</b> HTML", Optional.empty(), false);

        assertThat(first).isEqualTo(new SentMessage(1, -1001234567890L));
        assertThat(second).isEqualTo(new SentMessage(2, 42));
        assertThat(telegram.sentMessages()).containsExactly(
                Map.of("chat_id", "-1001234567890", "text", "*Build* failed", "parse_mode", "MarkdownV2",
                        "disable_notification", true),
                Map.of("chat_id", "42", "text", "Grüße, <b>not</b> HTML", "disable_notification", false));
    }

    @Test
    void aMessageToAChannelUsernameReturnsTheChannelsNumericId() {
        telegram.acceptsMessages();

        assertThat(bot.sendMessage("@hub_announcements", "Deployed", Optional.empty(), false))
                .isEqualTo(new SentMessage(1, FakeTelegram.CHANNEL_ID));
        assertThat(telegram.sentMessages()).extracting(m -> m.get("chat_id")).containsExactly("@hub_announcements");
    }

    @Test
    void aChatIdThatIsNeitherANumberNorAChannelUsernameIsRefusedBeforeAnyCall() {
        telegram.acceptsMessages();

        assertThatIllegalArgumentException().isThrownBy(() -> bot.sendMessage("alice", "Hi", Optional.empty(), false));
        assertThat(telegram.requests("sendMessage")).isEmpty();
    }

    @Test
    void tooManyRequestsIsRateLimitedForAsLongAsTelegramSays() {
        telegram.answers("sendMessage", telegramError(429, "Too Many Requests: retry after 7", 7));

        TelegramCallException failure = failureOf(() -> bot.sendMessage("42", "Hi", Optional.empty(), false));

        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(failure.errorCode()).isEqualTo(429);
    }

    @ParameterizedTest
    @ValueSource(strings = { "Forbidden: bot was blocked by the user", "Forbidden: user is deactivated",
            "Forbidden: bot was kicked from the group chat" })
    void aChatTheBotMayNoLongerWriteToIsBlocked(String description) {
        telegram.answers("sendMessage", telegramError(403, description, null));

        TelegramCallException failure = failureOf(() -> bot.sendMessage("42", "Hi", Optional.empty(), false));

        assertThat(failure.kind()).isEqualTo(Kind.BLOCKED);
        assertThat(failure.description()).contains(description);
        assertThat(failure.retryAfter()).isEmpty();
    }

    @Test
    void anUnknownChatIsChatNotFound() {
        telegram.answers("sendMessage", telegramError(400, "Bad Request: chat not found", null));

        assertThat(failureOf(() -> bot.sendMessage("42", "Hi", Optional.empty(), false)).kind())
                .isEqualTo(Kind.CHAT_NOT_FOUND);
    }

    @Test
    void anyOtherRefusalIsRejectedWithTelegramsDescription() {
        telegram.answers("sendMessage", telegramError(400, "Bad Request: message text is empty", null));

        TelegramCallException failure = failureOf(() -> bot.sendMessage("42", "", Optional.empty(), false));

        assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
        assertThat(failure.errorCode()).isEqualTo(400);
        assertThat(failure.description()).contains("Bad Request: message text is empty");
        assertThat(failure).hasMessageContaining("Bad Request: message text is empty");
    }

    @Test
    void aLongDescriptionIsCutAndLosesTheTokenAndLineBreaks() {
        String description = "Bad Request: can't parse entities\nat " + FakeTelegram.path("sendMessage") + " "
                + "x".repeat(500);
        telegram.answers("sendMessage", telegramError(400, description, null));

        TelegramCallException failure = failureOf(
                () -> bot.sendMessage("42", "*unclosed", Optional.of("MarkdownV2"), false));

        assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
        assertThat(failure.description()).get().asString().hasSize(TelegramBot.MAX_DESCRIPTION)
                .startsWith("Bad Request: can't parse entities at /telegram/bot123456789:<token>/sendMessage xxx")
                .doesNotContain("\n");
    }

    @Test
    void aServerErrorIsUnavailable() {
        telegram.answers("sendMessage", telegramError(500, "Internal Server Error", null));

        TelegramCallException failure = failureOf(() -> bot.sendMessage("42", "Hi", Optional.empty(), false));

        assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(failure.errorCode()).isEqualTo(500);
    }

    @Test
    void anAnswerThatIsNotTheBotApisIsUnavailable() {
        telegram.answers("getMe", WireMock.aResponse().withStatus(502).withHeader("Content-Type", "text/html")
                .withBody("<html><body>Bad Gateway</body></html>"));
        telegram.answers("sendMessage", WireMock.okJson("{\"ok\":true}"));
        telegram.answers("setWebhook", WireMock.okJson("{\"ok\":true,\"result\":{\"unexpected\":1}}"));

        assertThat(failureOf(bot::getMe).kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(failureOf(() -> bot.sendMessage("42", "Hi", Optional.empty(), false)).kind())
                .isEqualTo(Kind.UNAVAILABLE);
        telegram.answers("getMe", ok("{\"id\":\"not a number\"}"));
        assertThat(failureOf(bot::getMe).kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void anAnswerLargerThanTheBoundIsUnavailable() {
        String padding = "x".repeat(config.providerCalls().maxAnswerBytes());
        telegram.answers("getMe", ok("{\"id\":1,\"username\":\"hub_test_bot\",\"padding\":\"" + padding + "\"}"));

        TelegramCallException failure = failureOf(bot::getMe);

        assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(failure).hasMessageContaining("larger than " + config.providerCalls().maxAnswerBytes() + " bytes");
    }

    @Test
    void anAnswerLaterThanTheTimeoutIsUnavailable() {
        Duration timeout = config.providerCalls().timeout();
        telegram.answers("sendMessage", ok("{\"message_id\":1,\"chat\":{\"id\":42}}")
                .withFixedDelay((int) timeout.plusSeconds(2).toMillis()));

        long start = System.nanoTime();
        TelegramCallException failure = failureOf(() -> bot.sendMessage("42", "Hi", Optional.empty(), false));

        assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(failure).hasMessageContaining("no answer within");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.plusSeconds(1));
    }

    @Test
    void anAnswerTrickledOutLongerThanTheTimeoutIsUnavailable() {
        Duration timeout = config.providerCalls().timeout();
        telegram.answers("getMe", ok("{\"id\":1,\"username\":\"hub_test_bot\",\"padding\":\"" + "x".repeat(3000) + "\"}")
                .withChunkedDribbleDelay(30, (int) timeout.multipliedBy(3).toMillis()));

        long start = System.nanoTime();
        TelegramCallException failure = failureOf(bot::getMe);

        assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(failure).hasMessageContaining("no complete answer within");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.plusSeconds(1));
    }

    @Test
    void noConnectionIsUnavailable() throws IOException {
        int closedPort = FreePorts.pick();
        TelegramBot unreachable = new TelegramBot(config, json, "http://127.0.0.1:" + closedPort + "/telegram");
        try {
            TelegramCallException failure = failureOf(() -> unreachable.sendMessage("42", "Hi", Optional.empty(), false));

            assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(failure.errorCode()).isZero();
        } finally {
            unreachable.close();
        }
    }

    @Test
    void aSuccessfulCallLogsNoBotApiUrl() {
        telegram.acceptsMessages();
        telegram.knowsTheBot();

        try (CapturedLog log = CapturedLog.start()) {
            bot.getMe();
            bot.sendMessage("42", "Hi", Optional.empty(), false);

            assertThat(log.lines()).noneMatch(line -> line.contains(TOKEN_SECRET) || line.contains("/sendMessage"));
        }
    }

    @Test
    void noMetricNamesABotApiUrl() {
        telegram.acceptsMessages();
        bot.sendMessage("42", "Hi", Optional.empty(), false);
        telegram.answers("sendMessage", telegramError(403, "Forbidden: bot was blocked by the user", null));
        failureOf(() -> bot.sendMessage("42", "Hi", Optional.empty(), false));

        assertThat(metrics.getMeters()).allSatisfy(meter -> assertThat(meter.getId().toString())
                .doesNotContain(TOKEN_SECRET).doesNotContain("/bot"));
    }

    @Test
    void aMalformedTokenStopsTheStartWithoutBeingShown() {
        String malformed = "123456789:" + "not a/token?";

        assertThatIllegalStateException().isThrownBy(() -> new TelegramBot(
                telegramConfig(malformed, FakeProviders.TELEGRAM_BOT_USERNAME, FakeProviders.TELEGRAM_WEBHOOK_SECRET), json,
                server.baseUrl())).withMessageContaining("hub.telegram.bot-token")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not a/token?"));
    }

    @Test
    void aTokenWithoutUsernameOrWebhookSecretStopsTheStart() {
        assertThatIllegalStateException().isThrownBy(
                () -> new TelegramBot(telegramConfig(TOKEN, null, FakeProviders.TELEGRAM_WEBHOOK_SECRET), json,
                        server.baseUrl()))
                .withMessageContaining("hub.telegram.bot-username");
        assertThatIllegalStateException().isThrownBy(
                () -> new TelegramBot(telegramConfig(TOKEN, FakeProviders.TELEGRAM_BOT_USERNAME, null), json, server.baseUrl()))
                .withMessageContaining("hub.telegram.webhook-secret");
    }

    /** The test's settings, with these Telegram settings (null: unset). */
    private HubConfig telegramConfig(String token, String username, String webhookSecret) {
        HubConfig.Telegram telegram = (HubConfig.Telegram) Proxy.newProxyInstance(HubConfig.class.getClassLoader(),
                new Class<?>[] { HubConfig.Telegram.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "botToken" -> Optional.ofNullable(token);
                    case "botUsername" -> Optional.ofNullable(username);
                    case "webhookSecret" -> Optional.ofNullable(webhookSecret);
                    default -> method.invoke(config.telegram(), args);
                });
        return (HubConfig) Proxy.newProxyInstance(HubConfig.class.getClassLoader(), new Class<?>[] { HubConfig.class },
                (proxy, method, args) -> "telegram".equals(method.getName()) ? telegram : method.invoke(config, args));
    }

    /**
     * The {@link TelegramCallException} the call throws, after checking that neither it nor the log written meanwhile
     * shows the token or a Bot API URL.
     */
    private TelegramCallException failureOf(ThrowingCallable call) {
        TelegramCallException failure;
        try (CapturedLog log = CapturedLog.start()) {
            failure = catchThrowableOfType(TelegramCallException.class, call);
            assertThat(log.lines()).as("the log written during the call").noneMatch(line -> line.contains(TOKEN_SECRET));
        }
        assertThat(failure).as("the call's failure").isNotNull();
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(List.of(failure.getMessage(), failure.toString(), trace.toString())).allSatisfy(text -> assertThat(text)
                .doesNotContain(TOKEN_SECRET).doesNotContain("/bot" + TOKEN).doesNotContain(server.baseUrl()));
        assertThat(failure.getCause()).isNull();
        assertThat(failure.getSuppressed()).isEmpty();
        return failure;
    }
}
