package dev.integrationhub.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The hub's bot is the sandbox's exactly when the sandbox is on and no real bot token is configured, resolved by
 * SmallRye Config as the service resolves it.
 */
class SandboxTelegramConfigTest {

    private static final String BOT_TOKEN = "hub.telegram.bot-token";
    private static final String API_ROOT = "hub.telegram.api-root-url";
    private static final String LINK_BASE = "hub.telegram.link-base-url";

    private static SmallRyeConfig config(String profile, Map<String, String> environment) {
        Map<String, String> properties = new HashMap<>();
        properties.put("%dev.hub.public-url", "http://localhost:8080");
        properties.put("%dev.hub.sandbox.enabled", "true");
        properties.put(API_ROOT, "https://api.telegram.org");
        return new SmallRyeConfigBuilder().withProfile(profile).addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(properties, "application.properties", 250))
                .withSources(new PropertiesConfigSource(environment, "environment", 300))
                .withInterceptors(new SandboxTelegramConfig()).build();
    }

    @Test
    void devModeWithoutABotTokenUsesTheSandboxBot() {
        SmallRyeConfig config = config("dev", Map.of());

        assertThat(config.getRawValue(BOT_TOKEN)).isEqualTo(SandboxBot.TOKEN);
        assertThat(config.getRawValue("hub.telegram.bot-username")).isEqualTo(SandboxBot.USERNAME);
        assertThat(config.getRawValue("hub.telegram.webhook-secret")).isEqualTo(SandboxBot.WEBHOOK_SECRET);
        assertThat(config.getRawValue(API_ROOT)).isEqualTo("http://localhost:8080/sandbox/telegram");
        assertThat(config.getRawValue(LINK_BASE)).isEqualTo("http://localhost:8080/sandbox/telegram/chat");
    }

    @Test
    void devModeWithARealBotTokenUsesTelegram() {
        SmallRyeConfig config = config("dev", Map.of(BOT_TOKEN, "42:real-token"));

        assertThat(config.getRawValue(BOT_TOKEN)).isEqualTo("42:real-token");
        assertThat(config.getRawValue(API_ROOT)).isEqualTo("https://api.telegram.org");
        assertThat(config.getRawValue(LINK_BASE)).isNull();
    }

    @Test
    void withTheSandboxOffThereIsNoBot() {
        SmallRyeConfig config = config("prod", Map.of());

        assertThat(config.getRawValue(BOT_TOKEN)).isNull();
        assertThat(config.getRawValue(API_ROOT)).isEqualTo("https://api.telegram.org");
    }
}
