package dev.integrationhub.telegram;

import static dev.integrationhub.testsupport.TelegramUpdates.message;
import static dev.integrationhub.testsupport.TelegramUpdates.nextUpdateId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.FakeTelegram;
import dev.integrationhub.testsupport.TelegramUpdates;
import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.testsupport.Tokens;
import dev.integrationhub.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Connecting Telegram through the platform's bot: a one-time deep link, and the {@code /start <code>} Telegram
 * posts to the webhook binds the private chat to the user who asked for the link — nobody else, once, in time.
 */
@QuarkusTest
class TelegramConnectTest {

    @FakeProviders.InjectServer
    WireMockServer server;

    @Inject
    TestClock clock;

    FakeTelegram telegram;

    @BeforeEach
    void fakes() {
        telegram = new FakeTelegram(server);
        telegram.acceptsMessages();
    }

    @Test
    void connectAnswersAOneTimeDeepLinkToTheBot() {
        given().auth().oauth2(Tokens.forUser(ConnectionFixtures.newUser("alice"))).contentType("application/json")
                .body("{\"integration_type\":\"telegram\"}").when().post("/api/integrations/connect")
                .then().statusCode(200)
                .body("oauth_url", matchesPattern("https://t\\.me/hub_test_bot\\?start=[A-Za-z0-9_-]{43}"))
                .body("expires_at", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void startingTheBotWithTheCodeBindsThePrivateChat() {
        String alice = ConnectionFixtures.newUser("alice");
        String code = TelegramUpdates.startCode(alice);

        TelegramUpdates.post(message(nextUpdateId(), 5550001L, "private", 7770001L, "alice_tg", "/start " + code))
                .statusCode(200);

        String id = given().auth().oauth2(Tokens.forUser(alice)).when().get("/api/integrations").then()
                .body("$", hasSize(1)).body("[0].integration_type", equalTo("telegram"))
                .body("[0].account", equalTo("@alice_tg")).body("[0].status", equalTo("active"))
                .body("[0].metadata.default_chat_id", equalTo(5550001)).extract().path("[0].id");
        Webhooks.awaitEvents(server, UUID.fromString(id), List.of("connection.created"));
        awaitReplies(1);
        assertThat(telegram.sentMessages().getFirst()).containsEntry("chat_id", "5550001");
        assertThat((String) telegram.sentMessages().getFirst().get("text")).startsWith("Connected");
    }

    @Test
    void aBoundChatCanBeDisconnected() {
        String alice = ConnectionFixtures.newUser("alice");
        UUID id = TelegramUpdates.connect(alice, 5550010L, 7770010L, "alice_tg");
        awaitReplies(1);

        given().auth().oauth2(Tokens.forUser(alice)).when().delete("/api/integrations/{id}", id).then().statusCode(204);

        given().auth().oauth2(Tokens.forUser(alice)).when().get("/api/integrations").then().body("$", hasSize(0));
    }

    @Test
    void anUpdateWithoutTheSecretIsUnauthorizedAndBindsNothing() {
        String alice = ConnectionFixtures.newUser("alice");
        String update = message(nextUpdateId(), 5550002L, "private", 7770002L, "alice_tg",
                "/start " + TelegramUpdates.startCode(alice));

        given().contentType("application/json").body(update).when().post(TelegramUpdates.WEBHOOK).then().statusCode(401);
        given().header("X-Telegram-Bot-Api-Secret-Token", "wrong-secret").contentType("application/json").body(update)
                .when().post(TelegramUpdates.WEBHOOK).then().statusCode(401);

        given().auth().oauth2(Tokens.forUser(alice)).when().get("/api/integrations").then().body("$", hasSize(0));
        assertThat(telegram.sentMessages()).isEmpty();
    }

    @Test
    void aRedeliveredUpdateCountsOnce() {
        String alice = ConnectionFixtures.newUser("alice");
        String update = message(nextUpdateId(), 5550003L, "private", 7770003L, "alice_tg",
                "/start " + TelegramUpdates.startCode(alice));

        TelegramUpdates.post(update).statusCode(200);
        TelegramUpdates.post(update).statusCode(200);

        awaitReplies(1);
        given().auth().oauth2(Tokens.forUser(alice)).when().get("/api/integrations").then().body("$", hasSize(1));
        assertThat(telegram.sentMessages()).singleElement()
                .satisfies(reply -> assertThat((String) reply.get("text")).startsWith("Connected"));
    }

    @Test
    void anExpiredCodeBindsNothingAndTheBotSaysSo() {
        String alice = ConnectionFixtures.newUser("alice");
        String code = TelegramUpdates.startCode(alice);
        clock.advance(Duration.ofMinutes(11));

        TelegramUpdates.post(message(nextUpdateId(), 5550004L, "private", 7770004L, "alice_tg", "/start " + code))
                .statusCode(200);

        awaitReplies(1);
        assertThat((String) telegram.sentMessages().getFirst().get("text")).contains("expired or was already used");
        given().auth().oauth2(Tokens.forUser(alice)).when().get("/api/integrations").then().body("$", hasSize(0));
    }

    @Test
    void aUsedCodeBindsNothingTheSecondTime() {
        String alice = ConnectionFixtures.newUser("alice");
        String code = TelegramUpdates.startCode(alice);
        TelegramUpdates.post(message(nextUpdateId(), 5550005L, "private", 7770005L, "alice_tg", "/start " + code));

        TelegramUpdates.post(message(nextUpdateId(), 5550006L, "private", 7770006L, "mallory_tg", "/start " + code))
                .statusCode(200);

        awaitReplies(2);
        assertThat(telegram.sentMessages()).extracting(m -> m.get("chat_id")).contains("5550006");
        given().auth().oauth2(Tokens.forUser(alice)).when().get("/api/integrations").then().body("$", hasSize(1))
                .body("[0].account", equalTo("@alice_tg"));
    }

    @Test
    void aCodeBindsOnlyToTheUserWhoseLinkItWas() {
        String alice = ConnectionFixtures.newUser("alice");
        String bob = ConnectionFixtures.newUser("bob");
        String alicesCode = TelegramUpdates.startCode(alice);
        TelegramUpdates.startCode(bob);

        TelegramUpdates.post(message(nextUpdateId(), 5550007L, "private", 7770007L, "bob_tg", "/start " + alicesCode));
        awaitReplies(1);

        given().auth().oauth2(Tokens.forUser(alice)).when().get("/api/integrations").then().body("$", hasSize(1));
        given().auth().oauth2(Tokens.forUser(bob)).when().get("/api/integrations").then().body("$", hasSize(0));
    }

    @Test
    void aStartInAGroupBindsNothing() {
        String alice = ConnectionFixtures.newUser("alice");
        String code = TelegramUpdates.startCode(alice);

        TelegramUpdates.post(message(nextUpdateId(), -1005550008L, "group", 7770008L, "alice_tg", "/start " + code))
                .statusCode(200);

        given().auth().oauth2(Tokens.forUser(alice)).when().get("/api/integrations").then().body("$", hasSize(0));
    }

    @Test
    void updatesOfNoInterestAndMalformedBodiesAreAcknowledged() {
        TelegramUpdates.post("{\"update_id\":" + nextUpdateId() + ",\"edited_message\":{}}").statusCode(200);
        TelegramUpdates.post("not json at all").statusCode(200);
        TelegramUpdates.post(message(nextUpdateId(), 5550009L, "private", 7770009L, "alice_tg", "hello")).statusCode(200);

        assertThat(telegram.sentMessages()).isEmpty();
    }

    private void awaitReplies(int count) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> telegram.sentMessages().size() >= count);
    }
}
