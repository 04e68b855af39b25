package dev.integrationhub.telegram.bot;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.TelegramUpdates;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Without {@code hub.telegram.bot-token} the service starts without Telegram: an empty value counts as unset, as an
 * empty {@code HUB_TELEGRAM_BOT_TOKEN} would.
 */
@QuarkusTest
@TestProfile(WithoutBotTokenTest.NoBotToken.class)
class WithoutBotTokenTest {

    /** The fake providers' settings, but no bot token. */
    public static class NoBotToken implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hub.telegram.bot-token", "");
        }
    }

    @Inject
    TelegramBot bot;

    @Inject
    HubConfig config;

    @Test
    void theServiceStartsWithoutABot() {
        assertThat(config.telegram().botToken()).isEmpty();
        assertThat(bot.configured()).isFalse();
        assertThatIllegalStateException().isThrownBy(() -> bot.sendMessage("42", "Hi", Optional.empty(), false))
                .withMessageContaining("hub.telegram.bot-token is not set");
    }

    @Test
    void telegramIsNotOfferedToConnect() {
        given().auth().oauth2(Tokens.forUser(ConnectionFixtures.newUser("alice"))).contentType("application/json")
                .body("{\"integration_type\":\"telegram\"}").when().post("/api/integrations/connect")
                .then().statusCode(400).body("code", equalTo("unknown_integration_type"));
    }

    @Test
    void theWebhookReadsNothing() {
        TelegramUpdates.post("{\"update_id\":1}").statusCode(401);
    }
}
