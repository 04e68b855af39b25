package dev.integrationhub.provider;

import dev.integrationhub.config.HubConfig;

/** One configured provider with its name (the key under {@code hub.providers}). */
public record ProviderSettings(String name, HubConfig.Provider config) {

    public boolean isClientConfigured() {
        return config.clientId().filter(id -> !id.isBlank()).isPresent();
    }
}
