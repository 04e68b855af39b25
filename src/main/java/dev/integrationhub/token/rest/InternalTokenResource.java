package dev.integrationhub.token.rest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.integrationhub.audit.AuditLog;
import dev.integrationhub.auth.CurrentCaller;
import dev.integrationhub.auth.CurrentCaller.InternalAccess;
import dev.integrationhub.auth.CurrentUser;
import dev.integrationhub.connection.ConnectionIds;
import dev.integrationhub.token.AccessTokens;
import dev.integrationhub.token.AccessTokens.AccessToken;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.ForbiddenException;

/**
 * For platform services only (their own JWT with the role {@code hub.internal.role}): a currently valid access
 * token of any connection, refreshed first if needed. Never the refresh token. Every hand-out is audited.
 */
@Path("/api/internal/connections/{id}/access-token")
public class InternalTokenResource {

    /**
     * @param account the account's e-mail address (or provider id)
     */
    @RegisterForReflection // a Response entity: not a signature Quarkus can register it from
    public record AccessTokenResponse(String accessToken, Instant expiresAt, List<String> scopes, String account) {
    }

    /** A token must not be kept by any cache on the way. */
    private static final CacheControl NO_STORE = CacheControl.valueOf("no-store");

    private final AccessTokens accessTokens;
    private final AuditLog audit;
    private final CurrentCaller caller;
    private final CurrentUser user;

    InternalTokenResource(AccessTokens accessTokens, AuditLog audit, CurrentCaller caller, CurrentUser user) {
        this.accessTokens = accessTokens;
        this.audit = audit;
        this.caller = caller;
        this.user = user;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A valid access token of a connection, for platform services holding the internal role.")
    public Response handOut(@PathParam("id") String id) {
        UUID connectionId = ConnectionIds.parse(id);
        InternalAccess access = caller.internalAccess();
        if (access != InternalAccess.GRANTED) {
            throw refused(connectionId, access == InternalAccess.MISSING_ROLE ? "missing_role" : "client_not_allowed");
        }
        AccessToken token = accessTokens.handOut(caller.caller(), connectionId, "token.handed_out");
        return Response.ok(new AccessTokenResponse(token.token(), token.expiresAt(), token.scopes(), token.account()))
                .cacheControl(NO_STORE).build();
    }

    private ForbiddenException refused(UUID connectionId, String reason) {
        audit.recordAlone(user.id(), "token.refused", connectionId,
                Map.of("reason", reason));
        return new ForbiddenException();
    }
}
