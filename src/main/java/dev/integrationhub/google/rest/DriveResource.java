package dev.integrationhub.google.rest;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import dev.integrationhub.auth.CurrentCaller;
import dev.integrationhub.error.Problem;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.google.service.DriveUploader;
import dev.integrationhub.google.service.DriveUploader.Upload;
import dev.integrationhub.google.service.DriveUploader.UploadedFile;

/**
 * Uploads a file to a connected Drive, for the web app (the person's own) and platform services. The file part
 * is spooled to disk by the HTTP layer and deleted here in every outcome.
 */
@Path("/api/integrations/google_drive/files")
public class DriveResource {

    private static final Logger LOG = Logger.getLogger(DriveResource.class);
    private static final String DEFAULT_TYPE = "application/octet-stream";

    private final DriveUploader uploader;
    private final CurrentCaller caller;

    DriveResource(DriveUploader uploader, CurrentCaller caller) {
        this.uploader = uploader;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Upload a file to a connected Drive (resumable, streamed): 201 with the stored file.")
    public Response upload(@RestForm("file") FileUpload file, @RestForm("name") String name,
            @RestForm("folder_id") String folderId, @RestForm("mime_type") String mimeType,
            @RestForm("connection_id") String connectionId) {
        if (file == null) {
            throw ProblemException.invalid(List.of(new Problem.FieldError("file", "is required")));
        }
        try {
            String type = mimeType != null ? mimeType
                    : file.contentType() != null ? stripParameters(file.contentType()) : DEFAULT_TYPE;
            UploadedFile uploaded = uploader.upload(caller.caller(), new Upload(file.uploadedFile(), file.size(),
                    name != null ? name : file.fileName(), type, folderId, connectionId));
            return Response.status(Response.Status.CREATED).entity(uploaded).build();
        } finally {
            delete(file);
        }
    }

    private static String stripParameters(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    }

    private static void delete(FileUpload file) {
        try {
            Files.deleteIfExists(file.uploadedFile());
        } catch (IOException e) {
            LOG.warnf("A spooled upload could not be deleted: %s", e.getClass().getSimpleName());
        }
    }
}
