package dev.integrationhub.http;

import java.net.http.HttpClient;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.integrationhub.config.HubConfig;

/**
 * The one HTTP client for calls out of the hub (providers' OAuth endpoints, webhook receivers): redirects are
 * never followed, connecting is bounded by {@code hub.provider-calls.timeout}; each request sets its own timeout.
 */
@ApplicationScoped
public class OutboundHttp {

    @Produces
    @Singleton
    HttpClient httpClient(HubConfig config) {
        return HttpClient.newBuilder().connectTimeout(config.providerCalls().timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    void close(@Disposes HttpClient client) {
        client.close();
    }
}
