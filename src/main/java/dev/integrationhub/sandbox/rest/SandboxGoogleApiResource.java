package dev.integrationhub.sandbox.rest;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.sandbox.SandboxClient;
import dev.integrationhub.sandbox.service.SandboxApiException;
import dev.integrationhub.sandbox.service.SandboxGoogleApis;
import dev.integrationhub.sandbox.service.SandboxGoogleApis.Completed;
import dev.integrationhub.sandbox.service.SandboxGoogleApis.Incomplete;
import dev.integrationhub.sandbox.service.SandboxGoogleApis.SentMail;

/**
 * The sandbox's Gmail and Drive upload endpoints over HTTP, where the hub's Google clients send media uploads: at
 * {@code /upload/...} of the hub's host ({@link SandboxClient#GMAIL_SEND_PATH}, {@link SandboxClient#DRIVE_FILES_PATH}).
 * Answers and errors are Google's JSON. Off, every endpoint is {@code 404}.
 */
@Path(SandboxClient.UPLOAD_PATH)
public class SandboxGoogleApiResource {

    private static final MediaType JSON = MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8");
    /** The most metadata read of a file (Drive's own limit is far below). */
    private static final int MAX_METADATA = 64 * 1024;

    private final SandboxGoogleApis apis;
    private final ObjectMapper json;
    private final SandboxPages pages;

    SandboxGoogleApiResource(SandboxGoogleApis apis, ObjectMapper json, HubConfig config) {
        this.apis = apis;
        this.json = json;
        this.pages = new SandboxPages(config);
    }

    @POST
    @Path(SandboxClient.GMAIL_SEND_PATH)
    @Operation(hidden = true)
    public Response send(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("userId") String userId,
            @QueryParam("uploadType") String uploadType, @HeaderParam("Content-Encoding") String encoding,
            InputStream message) throws IOException {
        pages.requireEnabled();
        try {
            SentMail sent = apis.send(authorization, userId, uploadType, decoded(encoding, message));
            ObjectNode answer = json.createObjectNode().put("id", sent.id()).put("threadId", sent.id());
            answer.putArray("labelIds").add("SENT");
            return Response.ok(answer, JSON).build();
        } catch (SandboxApiException e) {
            return googleError(e);
        }
    }

    @POST
    @Path(SandboxClient.DRIVE_FILES_PATH)
    @Operation(hidden = true)
    public Response startUpload(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @QueryParam("uploadType") String uploadType, @HeaderParam("X-Upload-Content-Type") String contentType,
            @HeaderParam("Content-Encoding") String encoding, InputStream body) {
        pages.requireEnabled();
        try {
            JsonNode parsed;
            try (InputStream in = decoded(encoding, body)) {
                byte[] metadata = in.readNBytes(MAX_METADATA + 1);
                if (metadata.length > MAX_METADATA) {
                    return googleError(400, "badRequest", "Metadata too large.", "INVALID_ARGUMENT", null);
                }
                parsed = metadata.length == 0 ? json.createObjectNode() : json.readTree(metadata);
            } catch (IOException e) {
                return googleError(400, "parseError", "Parse Error", "INVALID_ARGUMENT", null);
            }
            return Response.ok().location(apis.startUpload(authorization, uploadType, parsed, contentType))
                    .header(HttpHeaders.CONTENT_LENGTH, 0).build();
        } catch (SandboxApiException e) {
            return googleError(e);
        }
    }

    @PUT
    @Path(SandboxClient.DRIVE_FILES_PATH)
    @Operation(hidden = true)
    public Response putChunk(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @QueryParam("upload_id") String uploadId, @HeaderParam("Content-Range") String contentRange,
            @HeaderParam("Content-Encoding") String encoding, InputStream body) throws IOException {
        pages.requireEnabled();
        try {
            return switch (apis.putChunk(authorization, uploadId, contentRange, decoded(encoding, body))) {
                case Incomplete incomplete -> incomplete.received() == 0 ? Response.status(308).build()
                        : Response.status(308).header("Range", "bytes=0-" + (incomplete.received() - 1)).build();
                case Completed completed -> Response.ok(json.createObjectNode().put("kind", "drive#file")
                        .put("id", completed.file().id()).put("name", completed.file().name())
                        .put("mimeType", completed.file().mimeType()).put("size", String.valueOf(completed.file().size()))
                        .put("webViewLink", completed.webViewLink().toString()), JSON).build();
            };
        } catch (SandboxApiException e) {
            return googleError(e);
        }
    }

    /**
     * The request body as sent: the Google clients gzip what they send ({@code Content-Encoding: gzip}), the file's
     * bytes included, and Google reads it un-gzipped ({@code Content-Range} counts the file's bytes).
     */
    private static InputStream decoded(String encoding, InputStream body) throws IOException {
        return encoding != null && encoding.strip().equalsIgnoreCase("gzip") ? new GZIPInputStream(body) : body;
    }

    private Response googleError(SandboxApiException e) {
        return googleError(e.status(), e.reason(), e.getMessage(), e.grpcStatus(), e.challenge());
    }

    /** An error as Google's APIs write it. */
    private Response googleError(int status, String reason, String message, String grpcStatus, String challenge) {
        ObjectNode error = json.createObjectNode().put("code", status).put("message", message);
        error.putArray("errors").addObject().put("message", message).put("domain", "global").put("reason", reason);
        error.put("status", grpcStatus);
        Response.ResponseBuilder answer = Response.status(status).type(JSON)
                .entity(json.createObjectNode().set("error", error));
        if (challenge != null) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, challenge);
        }
        return answer.build();
    }
}
