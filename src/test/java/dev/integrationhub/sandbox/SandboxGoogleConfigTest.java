package dev.integrationhub.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Provider {@code google} points at the sandbox exactly when the sandbox is on and no real Google client is
 * configured, resolved by SmallRye Config as the service resolves it (profiles, ordinals, expressions).
 */
class SandboxGoogleConfigTest {

    private static final String TOKEN_URI = "hub.providers.google.token-uri";
    private static final String CLIENT_ID = "hub.providers.google.client-id";

    /** application.properties as shipped: Google's URIs, the sandbox on in dev mode. */
    private static Map<String, String> applicationProperties() {
        Map<String, String> properties = new HashMap<>();
        properties.put("%dev.hub.public-url", "http://localhost:8080");
        properties.put("%dev.hub.sandbox.enabled", "true");
        properties.put(TOKEN_URI, "https://oauth2.googleapis.com/token");
        properties.put("hub.providers.google.authorization-uri", "https://accounts.google.com/o/oauth2/v2/auth");
        return properties;
    }

    private static SmallRyeConfig config(String profile, Map<String, String> environment) {
        return new SmallRyeConfigBuilder().withProfile(profile).addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(applicationProperties(), "application.properties", 250))
                .withSources(new PropertiesConfigSource(environment, "environment", 300))
                .withInterceptors(new SandboxGoogleConfig()).build();
    }

    @Test
    void devModeWithoutGoogleCredentialsUsesTheSandbox() {
        SmallRyeConfig config = config("dev", Map.of());

        assertThat(config.getRawValue(TOKEN_URI)).isEqualTo("http://localhost:8080/sandbox/oauth/token");
        assertThat(config.getRawValue("hub.providers.google.authorization-uri"))
                .isEqualTo("http://localhost:8080/sandbox/oauth/authorize");
        assertThat(config.getRawValue("hub.providers.google.userinfo-uri"))
                .isEqualTo("http://localhost:8080/sandbox/oauth/userinfo");
        assertThat(config.getRawValue("hub.providers.google.revocation-uri"))
                .isEqualTo("http://localhost:8080/sandbox/oauth/revoke");
        assertThat(config.getRawValue(CLIENT_ID)).isEqualTo(SandboxClient.ID);
        assertThat(config.getRawValue("hub.providers.google.client-secret")).isEqualTo(SandboxClient.SECRET);
        assertThat(config.getRawValue("hub.google.api-root-url")).isEqualTo("http://localhost:8080/sandbox/google/");
    }

    @Test
    void devModeWithARealGoogleClientUsesGoogle() {
        SmallRyeConfig config = config("dev", Map.of(CLIENT_ID, "real.apps.googleusercontent.com"));

        assertThat(config.getRawValue(TOKEN_URI)).isEqualTo("https://oauth2.googleapis.com/token");
        assertThat(config.getRawValue(CLIENT_ID)).isEqualTo("real.apps.googleusercontent.com");
        assertThat(config.getRawValue("hub.google.api-root-url")).isNull();
    }

    @Test
    void withTheSandboxOffGoogleStaysGoogle() {
        SmallRyeConfig config = config("prod", Map.of());

        assertThat(config.getRawValue(TOKEN_URI)).isEqualTo("https://oauth2.googleapis.com/token");
        assertThat(config.getRawValue(CLIENT_ID)).isNull();
    }

    @Test
    void anExplicitUriInTheEnvironmentStillWins() {
        SmallRyeConfig config = config("dev", Map.of(TOKEN_URI, "http://localhost:9999/token"));

        assertThat(config.getRawValue(TOKEN_URI)).isEqualTo("http://localhost:9999/token");
    }
}
