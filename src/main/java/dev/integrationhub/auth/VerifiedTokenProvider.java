package dev.integrationhub.auth;

import jakarta.inject.Singleton;

import dev.integrationhub.auth.RememberedBearerMechanism.RememberedBearerRequest;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;

/**
 * The identity of a bearer token that {@link RememberedBearerMechanism} found verified lately: the one OIDC made of
 * it, with the request at hand. Marks the request as answered from memory, so that {@link VerifiedTokenRecorder}
 * does not remember the token again (which would extend its time in memory without a verification).
 */
@Singleton
class VerifiedTokenProvider implements IdentityProvider<RememberedBearerRequest> {

    /** The request attribute that marks a request answered here. */
    static final String ANSWERED = VerifiedTokenProvider.class.getName() + ".answered";

    @Override
    public Class<RememberedBearerRequest> getRequestType() {
        return RememberedBearerRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RememberedBearerRequest request, AuthenticationRequestContext context) {
        request.setAttribute(ANSWERED, Boolean.TRUE);
        return Uni.createFrom()
                .item(request.identity().forRequest(HttpSecurityUtils.getRoutingContextAttribute(request), context));
    }
}
