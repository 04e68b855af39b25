package dev.integrationhub.sandbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasToString;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.IssuedSecrets;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Telegram against the sandbox, as in dev mode: the hub's deep link opens the sandbox's chat page, pressing Start
 * posts {@code /start <code>} to the hub's webhook, and what the bot sends (through the hub's bot client) appears in
 * that chat; a chat that blocked the bot gets Telegram's 403.
 */
@QuarkusTest
@TestProfile(SandboxProfile.class)
class SandboxTelegramTest {

    private static final String BOT = FakeProviders.TELEGRAM_BOT_USERNAME;

    @FakeProviders.InjectServer
    WireMockServer server;

    @BeforeEach
    void routes() {
        SandboxRoutes.forward(server);
    }

    /** A user whose Telegram chat was bound by pressing Start on the sandbox's chat page. */
    private record Bound(String user, long chatId, String chatPage) {
    }

    private static URI deepLink(String user) {
        URI link = URI.create(given().auth().oauth2(Tokens.forUser(user)).contentType("application/json")
                .body("{\"integration_type\":\"telegram\"}").when().post("/api/integrations/connect").then()
                .statusCode(200).extract().<String> path("oauth_url"));
        IssuedSecrets.record(link.getQuery().substring("start=".length()));
        return link;
    }

    private static Bound pressStart() {
        String user = ConnectionFixtures.newUser("alice");
        URI link = deepLink(user);
        String name = "alice_" + UUID.randomUUID().toString().substring(0, 8);
        String page = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("name", name).formParam("start", link.getQuery().substring("start=".length()))
                .when().post(link.getRawPath()).then().statusCode(303).extract().header("Location");
        URI chatPage = URI.create(page);
        long chatId = Long.parseLong(chatPage.getQuery().substring("chat=".length()));
        return new Bound(user, chatId, chatPage.getRawPath() + "?" + chatPage.getRawQuery());
    }

    @Test
    void theDeepLinkOpensTheSandboxChatPageWithAStartButton() {
        URI link = deepLink(ConnectionFixtures.newUser("alice"));

        assertThat(link.toString()).startsWith("http://localhost:" + io.restassured.RestAssured.port
                + SandboxBot.CHAT_PATH + "/" + BOT + "?start=");
        given().when().get(link.getRawPath() + "?" + link.getRawQuery()).then().statusCode(200)
                .body(containsString("@" + BOT), containsString(">Start</button>"));
    }

    @Test
    void pressingStartBindsTheChatToTheUserAndTheBotsWelcomeAppearsInTheChat() {
        Bound bound = pressStart();

        given().auth().oauth2(Tokens.forUser(bound.user())).when().get("/api/integrations").then().statusCode(200)
                .body("find { it.integration_type == 'telegram' }.metadata.default_chat_id",
                        // the JSON number reads back as an Integer or a Long, whichever holds it
                        hasToString(String.valueOf(bound.chatId())));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().when().get(bound.chatPage()).then()
                .statusCode(200).body(containsString("Connected: messages from the platform will arrive in this chat.")));
    }

    @Test
    void aMessageTheHubSendsAppearsOnTheChatPage() {
        Bound bound = pressStart();
        String text = "Your report is ready " + UUID.randomUUID();

        given().auth().oauth2(Tokens.forUser(bound.user())).contentType("application/json").body(Map.of("text", text))
                .when().post("/api/integrations/telegram/send").then().statusCode(200);

        given().when().get(bound.chatPage()).then().statusCode(200).body(containsString(text));
    }

    @Test
    void aSendToAChatThatBlockedTheBotIsReauthRequired() {
        Bound bound = pressStart();
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded").formParam("chat", bound.chatId())
                .formParam("blocked", true).when().post("/sandbox/console/telegram/block").then().statusCode(303);

        given().auth().oauth2(Tokens.forUser(bound.user())).contentType("application/json")
                .body(Map.of("text", "Anyone there?")).when().post("/api/integrations/telegram/send").then()
                .statusCode(409).body("code", equalTo("reauth_required"));
    }
}
