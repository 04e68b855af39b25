package dev.integrationhub.config;

import java.net.http.HttpClient;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

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
