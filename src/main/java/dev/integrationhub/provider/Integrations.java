package dev.integrationhub.provider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.integrationhub.config.HubConfig;
import io.quarkus.runtime.Startup;

/**
 * The OAuth integration types and their providers, from {@code hub.integrations} and {@code hub.providers}.
 * Checked at startup: an integration that names an unknown provider, or a flow lifetime over ten minutes,
 * stops the service with a message naming the key.
 */
@Startup
@ApplicationScoped
public class Integrations {

    static final Duration MAX_FLOW_TTL = Duration.ofMinutes(10);

    /**
     * An integration type the web app can connect.
     *
     * @param requiredScopes the scopes a grant must have to be stored
     */
    public record OAuthIntegration(String type, ProviderSettings provider, List<String> requiredScopes) {

        /** Everything asked for: the provider's identity scopes, then the integration's own. */
        public List<String> requestedScopes() {
            LinkedHashSet<String> scopes = new LinkedHashSet<>(provider.config().identityScopes());
            scopes.addAll(requiredScopes);
            return List.copyOf(scopes);
        }
    }

    private final Map<String, OAuthIntegration> byType = new TreeMap<>();
    private final Map<String, ProviderSettings> providers = new TreeMap<>();

    Integrations(HubConfig config) {
        config.providers().forEach((name, provider) -> providers.put(name, new ProviderSettings(name, provider)));
        List<String> problems = new ArrayList<>();
        config.integrations().forEach((type, integration) -> {
            ProviderSettings provider = providers.get(integration.provider());
            if (provider == null) {
                problems.add("hub.integrations." + type + ".provider names no provider of hub.providers: "
                        + integration.provider());
            } else {
                byType.put(type, new OAuthIntegration(type, provider, List.copyOf(integration.scopes())));
            }
        });
        Duration ttl = config.flow().ttl();
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_FLOW_TTL) > 0) {
            problems.add("hub.flow.ttl must be more than 0 and at most " + MAX_FLOW_TTL.toMinutes() + " minutes");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid configuration: " + String.join("; ", problems));
        }
    }

    public Optional<OAuthIntegration> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    public Optional<ProviderSettings> provider(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    public List<String> types() {
        return List.copyOf(byType.keySet());
    }
}
