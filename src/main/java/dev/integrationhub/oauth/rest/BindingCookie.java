package dev.integrationhub.oauth.rest;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.oauth.service.ConnectFlowService;

/**
 * The cookie that binds a connect flow to the browser that authorized it: one per flow (named for it), sent
 * only to the callback, {@code HttpOnly}, {@code SameSite=Lax} (the provider's redirect back is a top-level
 * navigation), and {@code Secure} except for a plain-http hub on the loopback (dev). Its value never leaves
 * this class except in the {@code Set-Cookie} header and as the value the flow store checks.
 */
@ApplicationScoped
public class BindingCookie {

    static final String PREFIX = "hub_flow_";
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private final String path;
    private final boolean secure;

    BindingCookie(HubConfig config) {
        URI publicUri = URI.create(config.publicUrl());
        this.path = (publicUri.getRawPath() == null ? "" : publicUri.getRawPath()) + ConnectFlowService.CALLBACK_PATH;
        this.secure = !("http".equals(publicUri.getScheme()) && LOOPBACK.contains(publicUri.getHost()));
    }

    /** The name of the cookie of a flow. */
    public static String name(UUID flowId) {
        return PREFIX + flowId.toString().replace("-", "");
    }

    /** Sets the flow's binding value in the browser for {@code lifetime}. */
    public NewCookie bind(UUID flowId, String value, Duration lifetime) {
        return cookie(flowId, value, lifetime);
    }

    /** Removes the flow's cookie from the browser. */
    public NewCookie clear(UUID flowId) {
        return cookie(flowId, "", Duration.ZERO);
    }

    /** The binding value a request presents for a flow, by flow id. */
    public static Function<UUID, Optional<String>> presentedIn(HttpHeaders headers) {
        return flowId -> Optional.ofNullable(headers.getCookies().get(name(flowId))).map(Cookie::getValue);
    }

    private NewCookie cookie(UUID flowId, String value, Duration lifetime) {
        return new NewCookie.Builder(name(flowId)).value(value).path(path).maxAge(Math.toIntExact(lifetime.toSeconds()))
                .httpOnly(true).secure(secure).sameSite(NewCookie.SameSite.LAX).build();
    }
}
