package dev.integrationhub.auth;

import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;

/**
 * Test-only endpoint (it lives in src/test): shows what the request's identity holds, whose subject it names and
 * which request its routing context is (by that request's {@code X-Probe} header), to check that an identity
 * answered from {@link VerifiedTokens} belongs to the request at hand.
 */
@Path("/api/test-support/identity")
public class IdentityProbeResource {

    private final SecurityIdentity identity;

    IdentityProbeResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> identity() {
        return Map.of("subject", identity.getPrincipal().getName(),
                "probe", HttpSecurityUtils.getRoutingContextAttribute(identity).request().getHeader("X-Probe"),
                "has_request_context", identity.getAttribute(AuthenticationRequestContext.class.getName()) != null);
    }
}
