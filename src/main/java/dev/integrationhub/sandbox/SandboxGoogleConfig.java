package dev.integrationhub.sandbox;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Points provider {@code google} at the sandbox when the sandbox is on and no real Google client is configured: its
 * authorization, token, userinfo and revocation URIs become {@code ${hub.public-url}/sandbox/oauth/...} and its
 * client id and secret the {@link SandboxClient} constants. So {@code gmail} and {@code google_drive} connect
 * against the sandbox in dev mode with no setup, and against Google as soon as
 * {@code HUB_PROVIDERS_GOOGLE_CLIENT_ID} is set.
 * <p>
 * Why a {@link ConfigSourceFactory}: the choice depends on whether another key is set, which
 * {@code application.properties} cannot express (a {@code %dev.} URI would also win over real credentials, and
 * expressions have no conditionals). The factory reads the other sources once at start and, only when the rule
 * holds, adds a source with ordinal {@value #ORDINAL}: above {@code application.properties} (250), where Google's
 * real URIs are the defaults, and below environment variables (300), so an explicit
 * {@code HUB_PROVIDERS_GOOGLE_*_URI} still wins. In test mode the fake providers configure a Google client id, so
 * the rule does not hold and tests keep their fakes. A packaged service never gets here with the sandbox on
 * ({@link SandboxGuard}).
 */
public class SandboxGoogleConfig implements ConfigSourceFactory {

    static final int ORDINAL = 260;
    static final String NAME = "sandbox-google";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!isTrue(context.getValue("hub.sandbox.enabled")) || isSet(context.getValue("hub.providers.google.client-id"))) {
            return List.of();
        }
        return List.of(new PropertiesConfigSource(properties(), NAME, ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    /** Provider {@code google} at the sandbox, relative to {@code hub.public-url} (an expression, resolved on use). */
    static Map<String, String> properties() {
        String base = "${hub.public-url}" + SandboxClient.BASE_PATH;
        return Map.of("hub.providers.google.client-id", SandboxClient.ID,
                "hub.providers.google.client-secret", SandboxClient.SECRET,
                "hub.providers.google.client-auth-method", "client_secret_post",
                "hub.providers.google.authorization-uri", base + "/authorize",
                "hub.providers.google.token-uri", base + "/token",
                "hub.providers.google.userinfo-uri", base + "/userinfo",
                "hub.providers.google.revocation-uri", base + "/revoke");
    }

    private static boolean isTrue(ConfigValue value) {
        return value != null && value.getValue() != null && Boolean.parseBoolean(value.getValue().strip());
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
