package dev.integrationhub.auth;

import java.util.Optional;
import java.util.Set;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a bearer token verified lately ({@link VerifiedTokens}) before OIDC's mechanism sees the request. OIDC's
 * mechanism decodes every bearer token's claims (to tell a JWT from an opaque token) before any identity provider
 * is asked: the largest part of the authentication of a token it had verified already (bench/reads.sh: ~9 % of the
 * event loop's samples). The HTTP authenticator asks its mechanisms by descending priority until one answers an
 * identity; this one comes first. It answers only a token it finds remembered under exactly the text OIDC verified,
 * and passes it through the identity provider manager ({@link VerifiedTokenProvider}), so every augmentor runs as
 * for a verified token. Anything else (no bearer, another header or scheme, a token not remembered or expired
 * meanwhile) it leaves to OIDC's mechanism, which verifies, refuses and challenges as before.
 */
@Singleton
class RememberedBearerMechanism implements HttpAuthenticationMechanism {

    /** Above OIDC's mechanism ({@link HttpAuthenticationMechanism#DEFAULT_PRIORITY}). */
    static final int PRIORITY = DEFAULT_PRIORITY + 1000;

    /** A request for the identity of a token found remembered. */
    static final class RememberedBearerRequest extends BaseAuthenticationRequest {

        private final VerifiedIdentity identity;

        RememberedBearerRequest(VerifiedIdentity identity) {
            this.identity = identity;
        }

        VerifiedIdentity identity() {
            return identity;
        }
    }

    private final VerifiedTokens tokens;
    private final String scheme;
    private final boolean standardHeader;

    RememberedBearerMechanism(VerifiedTokens tokens,
            @ConfigProperty(name = "quarkus.oidc.token.authorization-scheme", defaultValue = "Bearer") String scheme,
            @ConfigProperty(name = "quarkus.oidc.token.header") Optional<String> header) {
        this.tokens = tokens;
        this.scheme = scheme;
        this.standardHeader = header.isEmpty() || header.get().equalsIgnoreCase(HttpHeaders.AUTHORIZATION.toString());
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        Optional<VerifiedIdentity> remembered = bearer(context).flatMap(tokens::find);
        if (remembered.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        return identityProviderManager.authenticate(
                HttpSecurityUtils.setRoutingContextAttribute(new RememberedBearerRequest(remembered.get()), context));
    }

    /** The token of an {@code Authorization: <scheme> <token>} header, as OIDC reads it. */
    private Optional<String> bearer(RoutingContext context) {
        String value = standardHeader ? context.request().getHeader(HttpHeaders.AUTHORIZATION) : null;
        int space = value == null ? -1 : value.indexOf(' ');
        if (space != scheme.length() || !value.regionMatches(true, 0, scheme, 0, space)) {
            return Optional.empty();
        }
        return Optional.of(value.substring(space + 1));
    }

    /** None: OIDC's mechanism challenges a request without a usable token. */
    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(RememberedBearerRequest.class);
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }
}
