package dev.integrationhub.auth;

import java.security.Permission;
import java.security.Principal;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.quarkus.security.credential.Credential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.vertx.ext.web.RoutingContext;

/**
 * What OIDC made of a verified bearer token, without what belonged to the request that presented it. OIDC puts
 * that request's {@link RoutingContext} and its {@link AuthenticationRequestContext} into the identity's
 * attributes; a remembered identity must neither hand them to a later request nor keep a finished request (and its
 * body) in memory, so they are left out here and each request that reuses the identity gets its own.
 *
 * @param attributes the identity's attributes but the per-request ones (OIDC's tenant, configuration metadata,
 *        provider client, expiry time)
 */
record VerifiedIdentity(Principal principal, Set<String> roles, Set<Credential> credentials,
        Set<Permission> permissions, Map<String, Object> attributes) {

    /** The attributes of one request, named as OIDC names them. */
    private static final Set<String> PER_REQUEST = Set.of(RoutingContext.class.getName(),
            AuthenticationRequestContext.class.getName());

    /** The verified identity, without its request. */
    static VerifiedIdentity of(SecurityIdentity identity) {
        Map<String, Object> attributes = new HashMap<>(identity.getAttributes());
        attributes.keySet().removeAll(PER_REQUEST);
        return new VerifiedIdentity(identity.getPrincipal(), Set.copyOf(identity.getRoles()),
                Set.copyOf(identity.getCredentials()), Set.copyOf(identity.getPermissions()),
                Collections.unmodifiableMap(attributes));
    }

    /** The identity for a request that presents the same token, with that request's attributes, as OIDC sets them. */
    SecurityIdentity forRequest(RoutingContext request, AuthenticationRequestContext context) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder().setPrincipal(principal)
                .addRoles(roles).addCredentials(credentials).addPermissions(permissions).addAttributes(attributes);
        if (request != null) {
            builder.addAttribute(RoutingContext.class.getName(), request)
                    .addAttribute(AuthenticationRequestContext.class.getName(), context);
        }
        return builder.build();
    }
}
