package dev.integrationhub.sandbox;

import java.util.Map;

import jakarta.annotation.Priority;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

/**
 * Gives the hub the sandbox's bot when the sandbox is on and no real bot token is configured: {@code hub.telegram.*}
 * become the {@link SandboxBot} token, username and webhook secret, the Bot API root the sandbox's, and the deep-link
 * base its chat page. So {@code telegram} connects and sends against the sandbox in dev mode with no setup, and
 * against Telegram as soon as {@code HUB_TELEGRAM_BOT_TOKEN} is set.
 * <p>
 * An interceptor for the same reasons as {@link SandboxGoogleConfig}: the choice depends on whether another key is
 * set. An explicit {@code HUB_TELEGRAM_*} in the environment still wins. In test mode the fake providers configure a
 * bot token, so the rule does not hold there.
 */
@Priority(Priorities.APPLICATION + 100)
public class SandboxTelegramConfig implements ConfigSourceInterceptor {

    private static final String PREFIX = "hub.telegram.";
    private static final String BOT_TOKEN = PREFIX + "bot-token";
    /** The ordinal of environment variables: a value from there (or above) is the operator's explicit choice. */
    private static final int ENVIRONMENT = 300;

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!name.startsWith(PREFIX) || !sandboxed(context)) {
            return value;
        }
        String sandbox = properties(context.proceed("hub.public-url")).get(name);
        if (sandbox == null || (value != null && value.getConfigSourceOrdinal() >= ENVIRONMENT)) {
            return value;
        }
        return ConfigValue.builder().withName(name).withValue(sandbox).withConfigSourceName("sandbox-telegram")
                .withConfigSourceOrdinal(ENVIRONMENT - 1).build();
    }

    /** Whether the sandbox is on and no real bot token is configured. */
    private static boolean sandboxed(ConfigSourceInterceptorContext context) {
        return isTrue(context.proceed("hub.sandbox.enabled")) && !isSet(context.proceed(BOT_TOKEN));
    }

    /** The hub's bot at the sandbox, relative to {@code hub.public-url}. */
    static Map<String, String> properties(ConfigValue publicUrl) {
        String hub = isSet(publicUrl) ? publicUrl.getValue() : "http://localhost:8080";
        return Map.of(BOT_TOKEN, SandboxBot.TOKEN,
                PREFIX + "bot-username", SandboxBot.USERNAME,
                PREFIX + "webhook-secret", SandboxBot.WEBHOOK_SECRET,
                PREFIX + "api-root-url", hub + SandboxBot.API_PATH,
                PREFIX + "link-base-url", hub + SandboxBot.CHAT_PATH);
    }

    private static boolean isTrue(ConfigValue value) {
        return value != null && value.getValue() != null && Boolean.parseBoolean(value.getValue().strip());
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
