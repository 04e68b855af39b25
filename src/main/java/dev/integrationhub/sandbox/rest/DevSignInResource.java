package dev.integrationhub.sandbox.rest;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.error.Problem;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.sandbox.service.DevTokens;
import io.quarkus.runtime.LaunchMode;

/**
 * The sign-in stand-in of the example web app in dev mode: {@code POST /sandbox/dev-token {"user":"alice"}} answers
 * a dev bearer token for that user, as {@code bin/dev-token alice} prints one. It exists only while the sandbox is on
 * and only in dev or test mode; otherwise it is {@code 404}, like every sandbox endpoint. It takes JSON only, so a
 * page of another origin cannot even send it without a CORS preflight, which only {@code hub.frontend-url} passes.
 */
@Path("/sandbox/dev-token")
public class DevSignInResource {

    /** The request: the platform user id to sign in as. */
    public record SignIn(String user) {
    }

    /** The answer, shaped like a token endpoint's. */
    public record DevToken(String accessToken, String tokenType, long expiresIn) {

        /** Never shows the token. */
        @Override
        public String toString() {
            return "DevToken[expiresIn=" + expiresIn + "]";
        }
    }

    private final DevTokens tokens;
    private final boolean enabled;

    DevSignInResource(DevTokens tokens, HubConfig config) {
        this.tokens = tokens;
        this.enabled = config.sandbox().enabled() && LaunchMode.current().isDevOrTest();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Response signIn(SignIn request) {
        if (!enabled) {
            throw new NotFoundException();
        }
        String user = request == null ? null : request.user();
        if (!DevTokens.isValidUserId(user)) {
            throw ProblemException
                    .invalid(List.of(new Problem.FieldError("user", "must be 1-128 letters, digits or . _ @ : -")));
        }
        String token = tokens.mint(user).orElseThrow(NotFoundException::new);
        return Response.ok(new DevToken(token, "Bearer", DevTokens.LIFETIME.toSeconds()), MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store").header("Pragma", "no-cache").build();
    }
}
