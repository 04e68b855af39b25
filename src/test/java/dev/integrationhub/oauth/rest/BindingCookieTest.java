package dev.integrationhub.oauth.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;

import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.ext.RuntimeDelegate;

import org.junit.jupiter.api.Test;

import dev.integrationhub.config.HubConfig;

/** The binding cookie is Secure except for a plain-http hub on the loopback (dev), and scoped to the callback. */
class BindingCookieTest {

    private static final UUID FLOW = UUID.fromString("00000000-0000-0000-0000-000000000001");

    @Test
    void anHttpsHubSetsASecureCookieScopedToItsCallback() {
        assertThat(attributes(cookieFor("https://hub.example.com/connect-hub"))).containsExactlyInAnyOrder(
                "hub_flow_00000000000000000000000000000001=binding", "Path=/connect-hub/api/integrations/callback",
                "Max-Age=600", "HttpOnly", "Secure", "SameSite=Lax", "Version=1");
    }

    @Test
    void onlyAPlainHttpHubOnTheLoopbackDropsSecure() {
        assertThat(attributes(cookieFor("http://localhost:8080"))).doesNotContain("Secure");
        assertThat(attributes(cookieFor("http://127.0.0.1:8080"))).doesNotContain("Secure");
        assertThat(attributes(cookieFor("http://hub.internal.example"))).contains("Secure");
    }

    @Test
    void clearingTheCookieKeepsItsScopeAndExpiresItAtOnce() {
        NewCookie cleared = new BindingCookie(config("https://hub.example.com")).clear(FLOW);
        assertThat(attributes(cleared)).contains("Path=/api/integrations/callback", "Max-Age=0", "HttpOnly", "Secure",
                "SameSite=Lax");
        assertThat(cleared.getValue()).isEmpty();
    }

    private static NewCookie cookieFor(String publicUrl) {
        return new BindingCookie(config(publicUrl)).bind(FLOW, "binding", Duration.ofMinutes(10));
    }

    /** The attributes of the {@code Set-Cookie} header Quarkus REST writes for the cookie. */
    private static String[] attributes(NewCookie cookie) {
        String header = RuntimeDelegate.getInstance().createHeaderDelegate(NewCookie.class).toString(cookie);
        return Arrays.stream(header.split(";")).map(String::strip).toArray(String[]::new);
    }

    private static HubConfig config(String publicUrl) {
        return (HubConfig) Proxy.newProxyInstance(HubConfig.class.getClassLoader(), new Class<?>[] { HubConfig.class },
                (proxy, method, args) -> switch (method.getName()) {
                    case "publicUrl" -> publicUrl;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
