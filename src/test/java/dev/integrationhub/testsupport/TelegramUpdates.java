package dev.integrationhub.testsupport;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.restassured.response.ValidatableResponse;

/**
 * Telegram's side of the bot's webhook: updates posted the way Telegram posts them (JSON, with the secret
 * header), and the connect flow a person goes through (deep link, then {@code /start <code>} in a private chat).
 */
public final class TelegramUpdates {

    private static final AtomicLong UPDATE_IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L);
    public static final String WEBHOOK = "/api/integrations/telegram/webhook";

    private TelegramUpdates() {
    }

    /** A fresh update id, as Telegram numbers them. */
    public static long nextUpdateId() {
        return UPDATE_IDS.incrementAndGet();
    }

    /** An update with a text message from a Telegram user in a chat of a type. */
    public static String message(long updateId, long chatId, String chatType, long fromId, String username,
            String text) {
        return "{\"update_id\":" + updateId + ",\"message\":{\"message_id\":" + (updateId % 100000) + ",\"from\":{\"id\":"
                + fromId + ",\"is_bot\":false,\"first_name\":\"Alice\",\"username\":\"" + username
                + "\",\"language_code\":\"en\"},\"chat\":{\"id\":" + chatId + ",\"first_name\":\"Alice\",\"username\":\""
                + username + "\",\"type\":\"" + chatType + "\"},\"date\":1764300000,\"text\":\"" + text + "\"}}";
    }

    /** Posts an update to the webhook with the configured secret. */
    public static ValidatableResponse post(String update) {
        return given().header("X-Telegram-Bot-Api-Secret-Token", FakeProviders.TELEGRAM_WEBHOOK_SECRET)
                .contentType("application/json").body(update).when().post(WEBHOOK).then();
    }

    /** Starts a Telegram connect flow as the user: the deep link's start code. */
    public static String startCode(String userId) {
        String url = given().auth().oauth2(Tokens.forUser(userId)).contentType("application/json")
                .body("{\"integration_type\":\"telegram\"}").when().post("/api/integrations/connect").then()
                .statusCode(200).extract().path("oauth_url");
        String query = URI.create(url).getQuery();
        String code = query.substring("start=".length());
        IssuedSecrets.record(code);
        return code;
    }

    /** A person connects Telegram: deep link, then {@code /start <code>} from their private chat. */
    public static UUID connect(String userId, long chatId, long telegramUserId, String username) {
        String code = startCode(userId);
        post(message(nextUpdateId(), chatId, "private", telegramUserId, username, "/start " + code)).statusCode(200);
        String id = given().auth().oauth2(Tokens.forUser(userId)).when().get("/api/integrations").then()
                .extract().path("find { it.integration_type == 'telegram' }.id");
        return UUID.fromString(id);
    }
}
