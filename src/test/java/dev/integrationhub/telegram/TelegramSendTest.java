package dev.integrationhub.telegram;

import static dev.integrationhub.testsupport.FakeTelegram.telegramError;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.FakeTelegram;
import dev.integrationhub.testsupport.TelegramUpdates;
import dev.integrationhub.testsupport.Tokens;
import dev.integrationhub.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Sending through the platform's bot to a connection's verified chat, and verifying a group or channel first:
 * where messages go, at most once per key, and what Telegram's refusals become.
 */
@QuarkusTest
class TelegramSendTest {

    private static final Pattern CODE = Pattern.compile("([0-9]{6})");
    private static final long PRIVATE_CHAT = 4440001L;

    @FakeProviders.InjectServer
    WireMockServer server;

    @Inject
    ConnectionFixtures fixtures;

    FakeTelegram telegram;
    String alice;
    UUID connection;

    @BeforeEach
    void connected() {
        telegram = new FakeTelegram(server);
        telegram.acceptsMessages();
        alice = ConnectionFixtures.newUser("alice");
        connection = TelegramUpdates.connect(alice, PRIVATE_CHAT, 6660001L, "alice_tg");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> telegram.sentMessages().size() == 1);
    }

    @Test
    void aMessageGoesToThePrivateChatTheConnectionWasBoundIn() {
        send(alice, Map.of("text", "Your report is ready", "parse_mode", "HTML", "disable_notification", true))
                .statusCode(200).body("message_id", equalTo(2));

        Map<String, Object> sent = telegram.sentMessages().getLast();
        assertThat(sent).containsEntry("chat_id", String.valueOf(PRIVATE_CHAT))
                .containsEntry("text", "Your report is ready").containsEntry("parse_mode", "HTML")
                .containsEntry("disable_notification", true);
    }

    @Test
    void aTextOverTelegramsLimitIsRefusedUnlessSplit() {
        String longText = "word ".repeat(1000);

        send(alice, Map.of("text", longText)).statusCode(400).body("errors[0].field", equalTo("text"));
        send(alice, Map.of("text", longText, "split", true)).statusCode(200).body("message_ids", hasSize(2));

        assertThat(telegram.sentMessages()).hasSize(3);
        assertThat(String.join("", telegram.sentMessages().subList(1, 3).stream()
                .map(m -> (String) m.get("text")).toList())).isEqualTo(longText);
    }

    @Test
    void aRepeatWithTheSameKeySendsOnce() {
        String key = UUID.randomUUID().toString();

        sendWithKey(alice, Map.of("text", "once"), key).statusCode(200).body("message_id", equalTo(2));
        sendWithKey(alice, Map.of("text", "once"), key).statusCode(200).body("message_id", equalTo(2));

        assertThat(telegram.sentMessages()).hasSize(2);
    }

    @Test
    void rateLimitingIsUnavailableWithTelegramsRetryAfter() {
        telegram.answers("sendMessage", telegramError(429, "Too Many Requests: retry after 7", 7));

        send(alice, Map.of("text", "hi")).statusCode(503).body("code", equalTo("telegram_unavailable"))
                .header("Retry-After", "7");
    }

    @Test
    void aBlockedBotMakesTheConnectionNeedReauthorization() {
        telegram.answers("sendMessage", telegramError(403, "Forbidden: bot was blocked by the user", null));

        send(alice, Map.of("text", "hi")).statusCode(409).body("code", equalTo("reauth_required"));

        assertThat(fixtures.find(connection).status).isEqualTo(ConnectionStatus.NEEDS_REAUTH);
        Webhooks.awaitEvents(server, connection, List.of("connection.created", "connection.needs_reauth"));
        send(alice, Map.of("text", "again")).statusCode(409);
    }

    @Test
    void anotherUsersConnectionIsNotFound() {
        send(ConnectionFixtures.newUser("mallory"), Map.of("text", "hi", "connection_id", connection.toString()))
                .statusCode(404);
        assertThat(telegram.sentMessages()).hasSize(1);
    }

    @Test
    void aChatNotVerifiedIsRefused() {
        send(alice, Map.of("text", "hi", "chat_id", "-1009999")).statusCode(422)
                .body("code", equalTo("chat_not_verified"));
    }

    @Test
    void aGroupBecomesTheDefaultOnlyOnceItsCodeIsTypedBack() {
        patchDefaultChat("-1004440002").statusCode(200).body("metadata.pending_chat_id", equalTo("-1004440002"))
                .body("metadata.default_chat_id", equalTo((int) PRIVATE_CHAT));
        Map<String, Object> posted = telegram.sentMessages().getLast();
        assertThat(posted).containsEntry("chat_id", "-1004440002");

        send(alice, Map.of("text", "still private")).statusCode(200);
        assertThat(telegram.sentMessages().getLast()).containsEntry("chat_id", String.valueOf(PRIVATE_CHAT));

        verify(codeIn(posted)).statusCode(200).body("metadata.default_chat_id", equalTo(-1004440002));
        send(alice, Map.of("text", "to the group")).statusCode(200);
        assertThat(telegram.sentMessages().getLast()).containsEntry("chat_id", "-1004440002");
    }

    @Test
    void fiveWrongCodesKillTheVerification() {
        patchDefaultChat("-1004440003").statusCode(200);
        String right = codeIn(telegram.sentMessages().getLast());
        String wrong = right.equals("000000") ? "111111" : "000000";

        for (int left = 4; left >= 1; left--) {
            verify(wrong).statusCode(422).body("code", equalTo("wrong_code"));
        }
        verify(wrong).statusCode(422);
        verify(right).statusCode(409).body("code", equalTo("no_chat_pending"));

        given().auth().oauth2(Tokens.forUser(alice)).when().get("/api/integrations/{id}", connection).then()
                .body("metadata.default_chat_id", equalTo((int) PRIVATE_CHAT))
                .body("metadata.pending_chat_id", equalTo(null));
    }

    @Test
    void aChatTheBotCannotPostInIsNotStored() {
        telegram.answers("sendMessage", telegramError(400, "Bad Request: chat not found", null));

        patchDefaultChat("-1004440004").statusCode(422).body("code", equalTo("chat_unreachable"));

        given().auth().oauth2(Tokens.forUser(alice)).when().get("/api/integrations/{id}", connection).then()
                .body("metadata.pending_chat_id", equalTo(null));
    }

    private static String codeIn(Map<String, Object> message) {
        Matcher code = CODE.matcher((String) message.get("text"));
        assertThat(code.find()).isTrue();
        return code.group(1);
    }

    private ValidatableResponse patchDefaultChat(String chatId) {
        return given().auth().oauth2(Tokens.forUser(alice)).contentType("application/json")
                .body("{\"metadata\":{\"default_chat_id\":\"" + chatId + "\"}}")
                .when().patch("/api/integrations/{id}", connection).then();
    }

    private ValidatableResponse verify(String code) {
        return given().auth().oauth2(Tokens.forUser(alice)).contentType("application/json")
                .body("{\"code\":\"" + code + "\"}").when().post("/api/integrations/{id}/verify", connection).then();
    }

    private static ValidatableResponse send(String user, Map<String, Object> body) {
        return given().auth().oauth2(Tokens.forUser(user)).contentType("application/json").body(body)
                .when().post("/api/integrations/telegram/send").then();
    }

    private static ValidatableResponse sendWithKey(String user, Map<String, Object> body, String key) {
        return given().auth().oauth2(Tokens.forUser(user)).header("Idempotency-Key", key).contentType("application/json")
                .body(body).when().post("/api/integrations/telegram/send").then();
    }
}
