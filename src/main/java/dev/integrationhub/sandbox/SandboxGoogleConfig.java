package dev.integrationhub.sandbox;

import java.util.Map;

import jakarta.annotation.Priority;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

/**
 * Points provider {@code google} and the Gmail and Drive APIs at the sandbox when the sandbox is on and no real
 * Google client is configured: the provider's authorization, token, userinfo and revocation URIs become
 * {@code ${hub.public-url}/sandbox/oauth/...}, its client id and secret the {@link SandboxClient} constants, and
 * {@code hub.google.api-root-url} the sandbox's ({@link SandboxClient#API_ROOT_PATH}; the Google clients send media
 * uploads to {@code /upload/...} at that URL's host, where the sandbox's Gmail and Drive answer). So {@code gmail}
 * and {@code google_drive} connect and act against the sandbox in dev mode with no setup, and against Google as soon
 * as {@code HUB_PROVIDERS_GOOGLE_CLIENT_ID} is set.
 * <p>
 * Why a {@link ConfigSourceInterceptor}: the choice depends on whether another key is set, which
 * {@code application.properties} cannot express (a {@code %dev.} URI would also win over real credentials, and
 * expressions have no conditionals); and an interceptor sees every lookup, whatever the ordinals of the sources
 * Quarkus assembles in each mode. It runs outside SmallRye's own interceptors, so the values it asks for
 * ({@code hub.sandbox.enabled}, {@code hub.public-url}) are already profile-resolved and expanded. An explicit
 * {@code HUB_PROVIDERS_GOOGLE_*_URI} in the environment still wins. In test mode the fake providers configure a
 * Google client id, so the rule does not hold and tests keep their fakes. A packaged service never gets here with
 * the sandbox on ({@link SandboxGuard}).
 */
@Priority(Priorities.APPLICATION + 100)
public class SandboxGoogleConfig implements ConfigSourceInterceptor {

    private static final String PREFIX = "hub.providers.google.";
    private static final String CLIENT_ID = PREFIX + "client-id";
    private static final String API_ROOT_URL = "hub.google.api-root-url";
    /** The ordinal of environment variables: a value from there (or above) is the operator's explicit choice. */
    private static final int ENVIRONMENT = 300;

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!(name.startsWith(PREFIX) || name.equals(API_ROOT_URL)) || !sandboxed(context)) {
            return value;
        }
        String sandbox = properties(context.proceed("hub.public-url")).get(name);
        if (sandbox == null || (value != null && value.getConfigSourceOrdinal() >= ENVIRONMENT)) {
            return value;
        }
        return ConfigValue.builder().withName(name).withValue(sandbox).withConfigSourceName("sandbox-google")
                .withConfigSourceOrdinal(ENVIRONMENT - 1).build();
    }

    /** Whether the sandbox is on and no real Google client is configured. */
    private static boolean sandboxed(ConfigSourceInterceptorContext context) {
        return isTrue(context.proceed("hub.sandbox.enabled")) && !isSet(context.proceed(CLIENT_ID));
    }

    /** Provider {@code google} and the Google APIs at the sandbox, relative to {@code hub.public-url}. */
    static Map<String, String> properties(ConfigValue publicUrl) {
        String hub = isSet(publicUrl) ? publicUrl.getValue() : "http://localhost:8080";
        String base = hub + SandboxClient.BASE_PATH;
        return Map.of(API_ROOT_URL, hub + SandboxClient.API_ROOT_PATH,
                CLIENT_ID, SandboxClient.ID,
                PREFIX + "client-secret", SandboxClient.SECRET,
                PREFIX + "client-auth-method", "client_secret_post",
                PREFIX + "authorization-uri", base + "/authorize",
                PREFIX + "token-uri", base + "/token",
                PREFIX + "userinfo-uri", base + "/userinfo",
                PREFIX + "revocation-uri", base + "/revoke");
    }

    private static boolean isTrue(ConfigValue value) {
        return value != null && value.getValue() != null && Boolean.parseBoolean(value.getValue().strip());
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
