package dev.integrationhub.google.service;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.googleapis.media.MediaHttpUploader;
import com.google.api.client.http.InputStreamContent;
import com.google.api.services.drive.Drive;
import com.google.api.services.drive.model.File;

import dev.integrationhub.auth.CurrentCaller.Caller;
import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.ConnectionFact;
import dev.integrationhub.connection.ConnectionIds;
import dev.integrationhub.connection.service.ActionTargets;
import dev.integrationhub.connection.service.ActionTargets.ActionTarget;
import dev.integrationhub.connection.service.ConnectionUses;
import dev.integrationhub.error.Problem;
import dev.integrationhub.error.ProblemException;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Uploads a file to a connected Drive with the resumable protocol, streamed from the file the request is spooled
 * to, while it is still arriving: one chunk ({@code hub.drive.chunk-size}) in memory at a time, whatever the
 * file's size; a chunk that fails with a 5xx or a timeout is resumed from the offset Drive reports. The last byte
 * goes only once the whole request is in and the file is as long as announced, so an upload abandoned before (the
 * request broke off, a field came after the file) leaves nothing in Drive. With {@code drive.file}, Drive shows the hub
 * only the files and folders it created, so a folder it did not create is "not found".
 */
@ApplicationScoped
public class DriveUploader {

    static final String INTEGRATION_TYPE = "google_drive";
    static final String FILE_SCOPE = "https://www.googleapis.com/auth/drive.file";
    private static final String OPERATION = "drive.upload";
    private static final String FIELDS = "id,name,mimeType,size,webViewLink";
    private static final Pattern FOLDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern MEDIA_TYPE = Pattern
            .compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");

    /**
     * A file to upload.
     *
     * @param content where the request's file part is spooled, complete or still growing: the upload fails if the
     *        writer abandons it or it does not end at {@code size}
     * @param size its length in bytes (expected, while it grows)
     * @param name the name in Drive (without path)
     * @param mimeType its media type
     */
    public record Upload(SpoolFile content, long size, String name, String mimeType, String folderId,
            String connectionId) {
    }

    /** The file as Drive stored it. */
    @RegisterForReflection // DriveResource answers it as a Response entity
    public record UploadedFile(String fileId, String name, String mimeType, Long size, String webViewLink) {
    }

    private final ActionTargets targets;
    private final GoogleApis apis;
    private final GoogleFailures failures;
    private final ConnectionUses uses;
    private final long chunkSize;
    private final long maxFileSize;

    DriveUploader(ActionTargets targets, GoogleApis apis, GoogleFailures failures, ConnectionUses uses, HubConfig config) {
        this.targets = targets;
        this.apis = apis;
        this.failures = failures;
        this.uses = uses;
        this.chunkSize = config.drive().chunkSize().asLongValue();
        this.maxFileSize = config.drive().maxFileSize().asLongValue();
    }

    void checkChunkSize(@Observes StartupEvent start) {
        if (chunkSize <= 0 || chunkSize % MediaHttpUploader.MINIMUM_CHUNK_SIZE != 0
                || chunkSize > Integer.MAX_VALUE) {
            throw new IllegalStateException("hub.drive.chunk-size must be a positive multiple of 256 KiB below 2 GiB");
        }
    }

    /**
     * Uploads the file.
     *
     * @throws ProblemException 400 invalid name, folder or type; 413 over {@code hub.drive.max-file-size} (before
     *         any call); 404/409 connection; 404 {@code folder_not_found}; 507 {@code drive_quota_exceeded};
     *         409 {@code reauth_required}; 503 Google unavailable or the upload did not complete
     */
    @WithSpan("action.drive_upload")
    public UploadedFile upload(Caller caller, Upload upload) {
        validate(upload);
        if (upload.size() > maxFileSize) {
            throw new ProblemException(413, "file_too_large", "File too large",
                    "The file has " + upload.size() + " bytes; the limit is " + maxFileSize + " bytes.");
        }
        Optional<UUID> connectionId = Optional.ofNullable(upload.connectionId()).map(ConnectionIds::parse);
        ActionTarget target = targets.resolve(caller, INTEGRATION_TYPE, connectionId);
        UploadedFile uploaded = send(target, upload);
        uses.record(caller, target.id(), target.userId(), "action.drive_upload",
                Map.of("size", upload.size(), "file_id", uploaded.fileId(), "name", uploaded.name()),
                new ConnectionFact.FileUploaded(uploaded.fileId(), uploaded.name(), upload.size()));
        return uploaded;
    }

    private UploadedFile send(ActionTarget target, Upload upload) {
        Drive drive = apis.drive(target);
        File metadata = new File().setName(upload.name()).setMimeType(upload.mimeType());
        if (upload.folderId() != null) {
            metadata.setParents(List.of(upload.folderId()));
        }
        SpoolFile content = upload.content();
        try (InputStream spooled = content.open(upload.size())) {
            InputStreamContent media = new InputStreamContent(upload.mimeType(), spooled).setLength(upload.size())
                    .setCloseInputStream(false);
            Drive.Files.Create create = drive.files().create(metadata, media).setFields(FIELDS);
            create.getMediaHttpUploader().setDirectUploadEnabled(false).setChunkSize((int) chunkSize);
            File file = create.execute();
            return new UploadedFile(file.getId(), Objects.requireNonNullElse(file.getName(), upload.name()),
                    Objects.requireNonNullElse(file.getMimeType(), upload.mimeType()),
                    Objects.requireNonNullElse(file.getSize(), upload.size()), file.getWebViewLink());
        } catch (SpoolFile.AbandonedException e) {
            throw e.reason();
        } catch (GoogleJsonResponseException e) {
            throw driveProblem(e, target, upload);
        } catch (IOException e) {
            throw GoogleFailures.unavailable(
                    "Drive could not be reached or did not answer; the upload did not complete. Try again later.");
        }
    }

    private ProblemException driveProblem(GoogleJsonResponseException e, ActionTarget target, Upload upload) {
        if (e.getStatusCode() == 404 && upload.folderId() != null) {
            return new ProblemException(404, "folder_not_found", "Folder not found",
                    "Drive has no folder with this id that the hub created for this account.");
        }
        if (e.getStatusCode() == 403 && GoogleFailures.reasons(e).contains("storageQuotaExceeded")) {
            return new ProblemException(507, "drive_quota_exceeded", "Drive quota exceeded",
                    "The Drive of this account is full.");
        }
        return failures.of(e, target, OPERATION, FILE_SCOPE);
    }

    private static void validate(Upload upload) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String name = upload.name();
        if (name == null || name.isBlank()) {
            errors.add(new Problem.FieldError("name", "is required (or a file name on the file part)"));
        } else {
            FileNames.problem(name).ifPresent(problem -> errors.add(new Problem.FieldError("name", problem)));
        }
        if (upload.folderId() != null && !FOLDER_ID.matcher(upload.folderId()).matches()) {
            errors.add(new Problem.FieldError("folder_id", "is not a Drive folder id"));
        }
        if (upload.mimeType() == null || !MEDIA_TYPE.matcher(upload.mimeType()).matches()) {
            errors.add(new Problem.FieldError("mime_type", "must be a media type such as text/plain"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }
}
