package dev.integrationhub.connection.rest;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.integrationhub.auth.CurrentUser;
import dev.integrationhub.connection.ConnectionIds;
import dev.integrationhub.connection.service.ConnectionService;
import dev.integrationhub.event.OutboxDispatcher;

/** The caller's own connections. Another user's connection answers 404, exactly like one that does not exist. */
@Path("/api/integrations")
@Produces(MediaType.APPLICATION_JSON)
public class ConnectionResource {

    private final ConnectionService service;
    private final OutboxDispatcher outbox;
    private final CurrentUser user;

    ConnectionResource(ConnectionService service, OutboxDispatcher outbox, CurrentUser user) {
        this.service = service;
        this.outbox = outbox;
        this.user = user;
    }

    @GET
    @Operation(summary = "The caller's connections, oldest first. Never contains a token.")
    public List<ConnectionView> list() {
        return service.list(user.id()).stream().map(ConnectionView::of).toList();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One of the caller's connections.")
    public ConnectionView get(@PathParam("id") String id) {
        return ConnectionView.of(service.get(user.id(), ConnectionIds.parse(id)));
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the user-editable metadata of one of the caller's connections.")
    public ConnectionView patch(@PathParam("id") String id, @NotNull @Valid MetadataPatch body) {
        MetadataPatch.Metadata metadata = body.metadata();
        return ConnectionView.of(service.updateMetadata(user.id(), ConnectionIds.parse(id), metadata.defaultChatId(),
                metadata.showMailDetails()));
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Disconnect: destroy the grant and revoke it at the provider (retried in the background if"
            + " the provider is down).")
    public void disconnect(@PathParam("id") String id) {
        service.disconnect(user.id(), ConnectionIds.parse(id)).ifPresent(outbox::deliverNow);
    }
}
