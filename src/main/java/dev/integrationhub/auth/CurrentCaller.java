package dev.integrationhub.auth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.integrationhub.config.HubConfig;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who makes this request: a person through the web app (their own connections only), or a platform service
 * holding {@code hub.internal.role} (any connection, audited). The internal token API and the actions decide
 * with this one definition.
 */
@RequestScoped
public class CurrentCaller {

    /** A caller of the API. */
    public sealed interface Caller {

        /** The token's subject, as the audit trail names the actor. */
        String subject();

        /** Whose request keys and results these are ({@code user:…} or {@code service:…}), never mixed up. */
        String scope();

        /** The audit detail of an action by this caller: the given detail, and a platform service's client. */
        default Map<String, Object> audited(Map<String, Object> detail) {
            return Map.copyOf(detail);
        }
    }

    /** A person of the platform, acting on their own connections. */
    public record Person(String subject) implements Caller {

        @Override
        public String scope() {
            return "user:" + subject;
        }
    }

    /**
     * A platform service acting on any connection.
     *
     * @param clientId its OAuth client ({@code azp} or {@code client_id})
     */
    public record PlatformService(String subject, String clientId) implements Caller {

        @Override
        public String scope() {
            return "service:" + clientId;
        }

        @Override
        public Map<String, Object> audited(Map<String, Object> detail) {
            Map<String, Object> withClient = new HashMap<>(detail);
            withClient.put("client_id", clientId);
            return Map.copyOf(withClient);
        }
    }

    private final SecurityIdentity identity;
    private final JsonWebToken token;
    private final CurrentUser user;
    private final String role;
    private final Optional<List<String>> allowedClients;
    /** Told once per request: neither changes within it. */
    private InternalAccess access;
    private Caller caller;

    CurrentCaller(SecurityIdentity identity, JsonWebToken token, CurrentUser user, HubConfig config) {
        this.identity = identity;
        this.token = token;
        this.user = user;
        this.role = config.internal().role();
        this.allowedClients = config.internal().allowedClients();
    }

    /** Whether a caller may act as a platform service. */
    public enum InternalAccess {
        /** It holds the internal role, from an allowed client. */
        GRANTED,
        /** It does not hold the internal role: a person. */
        MISSING_ROLE,
        /** It holds the role, but from a client not in {@code hub.internal.allowed-clients}. */
        CLIENT_NOT_ALLOWED
    }

    /** Whether the caller may act as a platform service, and if not, why. */
    public InternalAccess internalAccess() {
        if (access == null) {
            access = !identity.hasRole(role) ? InternalAccess.MISSING_ROLE
                    : allowedClients.map(allowed -> allowed.contains(clientId())).orElse(true) ? InternalAccess.GRANTED
                            : InternalAccess.CLIENT_NOT_ALLOWED;
        }
        return access;
    }

    /**
     * The caller; a token with the internal role from a client that is not allowed is refused (403), never
     * taken for a person.
     */
    public Caller caller() {
        if (caller == null) {
            caller = switch (internalAccess()) {
                case MISSING_ROLE -> new Person(user.id());
                case CLIENT_NOT_ALLOWED -> throw new ForbiddenException();
                case GRANTED -> new PlatformService(user.id(), clientId());
            };
        }
        return caller;
    }

    /** The calling service's OAuth client: the token's {@code azp}, or its {@code client_id}. */
    public String clientId() {
        return Optional.ofNullable(token.<Object> getClaim("azp")).or(() -> Optional.ofNullable(token.getClaim("client_id")))
                .map(String::valueOf).orElse("");
    }
}
