package dev.integrationhub.activity.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.integrationhub.activity.service.ActivityService;
import dev.integrationhub.auth.CurrentUser;
import dev.integrationhub.connection.ConnectionIds;

/**
 * Who used the caller's connections, when, and for what: newest first, a page at a time (opaque {@code cursor},
 * {@code limit} up to 100). Another user's connection answers 404, exactly like one that does not exist.
 */
@Path("/api/integrations")
@Produces(MediaType.APPLICATION_JSON)
public class ActivityResource {

    private final ActivityService service;
    private final CurrentUser user;

    ActivityResource(ActivityService service, CurrentUser user) {
        this.service = service;
        this.user = user;
    }

    @GET
    @Path("activity")
    @Operation(summary = "The activity of all the caller's connections, newest first.")
    public ActivityPage all(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        return ActivityPage.of(service.ofUser(user.id(), cursor, limit));
    }

    @GET
    @Path("{id}/activity")
    @Operation(summary = "The activity of one of the caller's connections, newest first.")
    public ActivityPage ofConnection(@PathParam("id") String id, @QueryParam("cursor") String cursor,
            @QueryParam("limit") String limit) {
        return ActivityPage.of(service.ofConnection(user.id(), ConnectionIds.parse(id), cursor, limit));
    }
}
