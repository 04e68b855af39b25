package dev.integrationhub.config;

import java.util.Optional;

import jakarta.validation.constraints.Pattern;

import io.smallrye.config.ConfigMapping;

/**
 * All settings of the Integration Hub. Every key can be given as an environment variable
 * ({@code hub.public-url} is {@code HUB_PUBLIC_URL}); {@code application.properties.example} lists them.
 */
@ConfigMapping(prefix = "hub")
public interface HubConfig {

    /** An http(s) origin with an optional path, without query, fragment or trailing slash. */
    String BASE_URL = "https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?(/[A-Za-z0-9._~%-]+)*";

    /** An http(s) origin: scheme, host and optional port, nothing else. */
    String ORIGIN = "https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?";

    /**
     * External base URL of this service as browsers and providers reach it, e.g.
     * {@code https://hub.example.com}. The OAuth redirect URI is built from it.
     */
    @Pattern(regexp = BASE_URL, message = "must be an absolute http(s) URL without query, fragment or trailing slash")
    String publicUrl();

    /**
     * Origin of the platform's web app, e.g. {@code https://app.example.com}: where the browser is sent
     * back after a connect flow and the only origin a popup result is posted to.
     */
    @Pattern(regexp = ORIGIN, message = "must be an http(s) origin such as https://app.example.com (no path)")
    String frontendUrl();

    /** Encryption of secrets at rest. */
    Crypto crypto();

    interface Crypto {

        /**
         * Tink JSON keyset of AES-256-GCM keys (a secret: give it as {@code HUB_CRYPTO_KEYSET}). The primary
         * key encrypts, every key decrypts, so a new primary can be added without downtime. Make one with
         * {@code bin/keyset new}, add a key with {@code bin/keyset rotate}. Only dev and test mode run without
         * it, on an ephemeral key.
         */
        Optional<String> keyset();
    }
}
