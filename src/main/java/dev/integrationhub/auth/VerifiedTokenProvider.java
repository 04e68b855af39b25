package dev.integrationhub.auth;

import jakarta.inject.Singleton;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;

/**
 * Answers a bearer token verified lately ({@link VerifiedTokens}) before OIDC's own provider verifies it again. The
 * identity provider manager asks the providers of a {@link TokenAuthenticationRequest} by descending
 * {@link #priority()} until one answers an identity; OIDC's ({@code OidcIdentityProvider}) has the default, so this
 * one comes first. A token not remembered is answered with no identity, and OIDC verifies it as before (and refuses
 * it as before); {@link VerifiedTokenRecorder} then remembers it.
 */
@Singleton
class VerifiedTokenProvider implements IdentityProvider<TokenAuthenticationRequest> {

    /**
     * The request attribute that marks a request answered here, so that {@link VerifiedTokenRecorder} does not
     * remember the token again (which would extend its time in the cache without a verification).
     */
    static final String ANSWERED = VerifiedTokenProvider.class.getName() + ".answered";

    private final VerifiedTokens tokens;

    VerifiedTokenProvider(VerifiedTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (!(request.getToken() instanceof AccessTokenCredential credential)) {
            return Uni.createFrom().nullItem();
        }
        return tokens.find(credential.getToken()).map(verified -> {
            request.setAttribute(ANSWERED, Boolean.TRUE);
            return Uni.createFrom()
                    .item(verified.forRequest(HttpSecurityUtils.getRoutingContextAttribute(request), context));
        }).orElseGet(() -> Uni.createFrom().nullItem());
    }
}
