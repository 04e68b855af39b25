package dev.integrationhub.auth;

import java.time.Instant;
import java.util.Map;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;

/**
 * Remembers each bearer token OIDC has just verified ({@link VerifiedTokens}), so that
 * {@link RememberedBearerMechanism} answers it next time. An augmentor sees every identity a provider made, after a
 * successful authentication only; with the highest {@link #priority()} it runs first and so remembers the identity
 * exactly as OIDC made it, and every other augmentor runs again on the remembered one as on a fresh one. It changes
 * nothing.
 */
@Singleton
class VerifiedTokenRecorder implements SecurityIdentityAugmentor {

    private final VerifiedTokens tokens;

    VerifiedTokenRecorder(VerifiedTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        return Uni.createFrom().item(identity);
    }

    /**
     * Remembers the identity if OIDC made it of a bearer token: its principal is the verified access token, and no
     * {@link VerifiedTokenProvider} answered it from memory.
     */
    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context,
            Map<String, Object> requestAttributes) {
        AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
        if (!requestAttributes.containsKey(VerifiedTokenProvider.ANSWERED) && credential != null
                && identity.getPrincipal() instanceof JsonWebToken token
                && credential.getToken().equals(token.getRawToken())) {
            tokens.remember(token.getRawToken(), Instant.ofEpochSecond(token.getExpirationTime()),
                    VerifiedIdentity.of(identity));
        }
        return Uni.createFrom().item(identity);
    }
}
