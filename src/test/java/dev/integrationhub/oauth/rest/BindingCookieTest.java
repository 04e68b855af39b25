package dev.integrationhub.oauth.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.integrationhub.config.HubConfig;

/** The binding cookie is Secure except for a plain-http hub on the loopback (dev), and scoped to the callback. */
class BindingCookieTest {

    @Test
    void anHttpsHubSetsASecureCookieScopedToItsCallback() {
        String cookie = cookieFor("https://hub.example.com/connect-hub");
        assertThat(cookie).isEqualTo("hub_flow_1=binding; Path=/connect-hub/api/integrations/callback; Max-Age=600;"
                + " HttpOnly; Secure; SameSite=Lax");
    }

    @Test
    void onlyAPlainHttpHubOnTheLoopbackDropsSecure() {
        assertThat(cookieFor("http://localhost:8080")).doesNotContain("Secure");
        assertThat(cookieFor("http://127.0.0.1:8080")).doesNotContain("Secure");
        assertThat(cookieFor("http://hub.internal.example")).contains("; Secure");
    }

    private static String cookieFor(String publicUrl) {
        HubConfig config = (HubConfig) Proxy.newProxyInstance(HubConfig.class.getClassLoader(),
                new Class<?>[] { HubConfig.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "publicUrl" -> publicUrl;
                    case "frontendUrl" -> "https://app.example.com";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return new BrowserResponses(config)
                .toProvider(URI.create("https://provider.example/auth"), "hub_flow_1", "binding", Duration.ofMinutes(10))
                .getHeaderString("Set-Cookie");
    }
}
