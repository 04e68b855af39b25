package dev.integrationhub.error;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Test-only endpoint (it lives in src/test): fails the way a bug would, to check the 500 answer. */
@Path("/api/test-support/failure")
public class FailingResource {

    static final String INTERNAL_DETAIL = "internal-detail-7f3a";

    @GET
    public String fail() {
        throw new IllegalStateException("Something broke: " + INTERNAL_DETAIL);
    }
}
