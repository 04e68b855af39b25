package dev.integrationhub.connection.rest;

import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.ConnectionIds;
import dev.integrationhub.connection.ConnectionRepository;

/**
 * The read benchmark's baseline ({@code bench/reads.sh}): the same service and the same row as
 * {@code GET /api/integrations/{id}}, but nothing except the primary-key read, so that the real endpoints' cost
 * (authentication, ownership, the answer's shape) shows as a ratio against it. Answers only in the {@code bench}
 * profile ({@code hub.bench.baseline-enabled}); elsewhere it is {@code 404} like any unknown path.
 */
@Path("/api/bench/baseline/{id}")
public class BaselineReadResource {

    private final ConnectionRepository connections;
    private final boolean enabled;

    BaselineReadResource(ConnectionRepository connections, HubConfig config) {
        this.connections = connections;
        this.enabled = config.bench().baselineEnabled();
    }

    @GET
    @Operation(hidden = true)
    public Response read(@PathParam("id") String id) {
        if (!enabled) {
            throw new NotFoundException();
        }
        UUID connectionId = ConnectionIds.parse(id);
        return connections.findByIdOptional(connectionId).map(found -> Response.noContent().build())
                .orElseThrow(NotFoundException::new);
    }
}
