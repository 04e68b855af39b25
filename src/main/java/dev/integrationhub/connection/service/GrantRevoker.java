package dev.integrationhub.connection.service;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.integrationhub.event.OutboxHandler;
import dev.integrationhub.event.OutboxItem;
import dev.integrationhub.provider.Integrations;
import dev.integrationhub.provider.ProviderCallException;
import dev.integrationhub.provider.ProviderClient;
import dev.integrationhub.provider.ProviderSettings;

/** Revokes a disconnected grant at its provider (RFC 7009), as an outbox item so that outages are retried. */
@ApplicationScoped
public class GrantRevoker implements OutboxHandler {

    public static final String KIND = "revoke_grant";

    private final Integrations integrations;
    private final ProviderClient providers;

    GrantRevoker(Integrations integrations, ProviderClient providers) {
        this.integrations = integrations;
        this.providers = providers;
    }

    /** The payload of a revocation of a token of the given kind ({@code refresh_token} or {@code access_token}). */
    public static Map<String, Object> payload(String provider, String tokenTypeHint) {
        return Map.of("provider", provider, "token_type_hint", tokenTypeHint);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void deliver(OutboxItem item, Optional<String> token) {
        String providerName = String.valueOf(item.payload.get("provider"));
        ProviderSettings provider = integrations.provider(providerName)
                .orElseThrow(() -> new DeliveryFailedException("provider " + providerName + " is no longer configured",
                        false, null));
        URI endpoint = provider.config().revocationUri()
                .orElseThrow(() -> new DeliveryFailedException("provider " + providerName + " has no revocation-uri",
                        false, null));
        try {
            providers.revoke(provider, endpoint, token.orElseThrow(() -> new DeliveryFailedException("no token", false,
                    null)), String.valueOf(item.payload.get("token_type_hint")));
        } catch (ProviderCallException e) {
            // RFC 7009 §2.2: an invalid token needs no revocation; the provider already forgot it.
            boolean alreadyInvalid = e.status() == 400 && e.errorCode().filter("invalid_token"::equals).isPresent();
            if (!alreadyInvalid) {
                throw new DeliveryFailedException(e.getMessage(), e.isTransient(), e.retryAfter().orElse(null));
            }
        }
    }
}
