package dev.integrationhub.connection.service;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import dev.integrationhub.connection.ConnectionFact;
import dev.integrationhub.event.Outbox;
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
    /** The payload key marking the revocation of a disconnected connection's grant. */
    private static final String DISCONNECT = "disconnect";

    private final Integrations integrations;
    private final ProviderClient providers;
    private final Outbox outbox;
    private final Event<ConnectionFact> facts;

    GrantRevoker(Integrations integrations, ProviderClient providers, Outbox outbox, Event<ConnectionFact> facts) {
        this.integrations = integrations;
        this.facts = facts;
        this.providers = providers;
        this.outbox = outbox;
    }

    /** Whether revoking one token of the provider takes down the account's whole grant ({@code revocation-scope}). */
    public boolean revokesWholeGrants(String provider) {
        return integrations.provider(provider).filter(settings -> "grant".equals(settings.config().revocationScope()))
                .isPresent();
    }

    /** Whether the provider has a revocation endpoint at all. */
    public boolean revokes(String provider) {
        return integrations.provider(provider).flatMap(settings -> settings.config().revocationUri()).isPresent();
    }

    /**
     * Queues the revocation of a grant in the caller's transaction: by its refresh token (which revokes the whole
     * grant), else by its access token. Nothing is queued when the provider has no revocation endpoint or there
     * is no token.
     *
     * @param ownerId the connection (or held grant's flow) the revocation belongs to; its items go out in order
     * @return the queued outbox item, to be attempted at once
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<UUID> queue(UUID ownerId, String provider, Optional<String> refreshToken,
            Optional<String> accessToken) {
        return queue(ownerId, provider, refreshToken, accessToken, false);
    }

    /**
     * Queues the revocation of a disconnected connection's grant, as {@link #queue}; once the provider confirms it,
     * the connection's history learns so ({@link ConnectionFact.RevokedAtProvider}).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<UUID> queueForDisconnect(UUID connectionId, String provider, Optional<String> refreshToken,
            Optional<String> accessToken) {
        return queue(connectionId, provider, refreshToken, accessToken, true);
    }

    private Optional<UUID> queue(UUID ownerId, String provider, Optional<String> refreshToken,
            Optional<String> accessToken, boolean disconnect) {
        if (!revokes(provider)) {
            return Optional.empty();
        }
        String hint = refreshToken.isPresent() ? "refresh_token" : "access_token";
        Optional<String> token = refreshToken.isPresent() ? refreshToken : accessToken;
        Map<String, Object> payload = disconnect
                ? Map.of("provider", provider, "token_type_hint", hint, DISCONNECT, true)
                : Map.of("provider", provider, "token_type_hint", hint);
        return token.map(t -> outbox.enqueue(KIND, ownerId, payload, Optional.of(t)));
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
        if (Boolean.TRUE.equals(item.payload.get(DISCONNECT))) {
            facts.fire(new ConnectionFact.RevokedAtProvider(item.connectionId));
        }
    }
}
