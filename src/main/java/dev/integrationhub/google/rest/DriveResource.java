package dev.integrationhub.google.rest;

import java.io.InputStream;
import java.time.Duration;
import java.util.OptionalLong;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import dev.integrationhub.auth.CurrentCaller;
import dev.integrationhub.config.HubConfig;
import dev.integrationhub.error.HttpLayerProblems;
import dev.integrationhub.google.service.DriveUploader;
import dev.integrationhub.google.service.DriveUploader.UploadedFile;
import dev.integrationhub.http.RequestBodyStream;
import io.vertx.core.http.HttpServerRequest;

/**
 * Uploads a file to a connected Drive, for the web app (the person's own) and platform services. The form is read
 * as it arrives ({@link DriveUploadForm}): the upload to Drive starts while the file is still coming in.
 */
@Path("/api/integrations/google_drive/files")
public class DriveResource {

    /** Network buffers asked for ahead of the form's reader: at most 1 MiB per upload. */
    private static final int BUFFERS_AHEAD = 16;

    private final DriveUploader uploader;
    private final CurrentCaller caller;
    private final long maxFileSize;
    private final java.nio.file.Path spoolDirectory;
    private final Duration readTimeout;
    private final HttpLayerProblems limits;

    DriveResource(DriveUploader uploader, CurrentCaller caller, HubConfig config, HttpLayerProblems limits,
            @ConfigProperty(name = "quarkus.http.body.uploads-directory") String spoolDirectory,
            @ConfigProperty(name = "quarkus.http.read-timeout", defaultValue = "60s") Duration readTimeout) {
        this.uploader = uploader;
        this.caller = caller;
        this.maxFileSize = config.drive().maxFileSize().asLongValue();
        this.spoolDirectory = java.nio.file.Path.of(spoolDirectory);
        this.readTimeout = readTimeout;
        this.limits = limits;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Upload a file to a connected Drive (resumable, streamed): 201 with the stored file.", description = "Parts: file (required), name, folder_id, mime_type, connection_id. Send the fields before the file part (FormData and curl -F keep the order given): the upload to Drive then starts while the file arrives. Fields after the file are honoured, but the upload starts over once the whole request is in.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA))
    public Response upload(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength, @Context HttpServerRequest request) {
        InputStream body = RequestBodyStream.of(request, BUFFERS_AHEAD, readTimeout, limits.bodyLimit(request.path()));
        try (DriveUploadForm form = DriveUploadForm.read(body, contentType, declared(contentLength), maxFileSize,
                spoolDirectory)) {
            UploadedFile uploaded;
            try {
                uploaded = uploader.upload(caller.caller(), form.upload());
            } catch (RuntimeException first) {
                uploaded = uploader.upload(caller.caller(), form.retry().orElseThrow(() -> first));
            }
            return Response.status(Response.Status.CREATED).entity(uploaded).build();
        }
    }

    private static OptionalLong declared(String contentLength) {
        try {
            return contentLength == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(contentLength.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
