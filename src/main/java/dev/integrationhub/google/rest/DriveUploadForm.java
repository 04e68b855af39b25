package dev.integrationhub.google.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.jboss.logging.Logger;

import dev.integrationhub.error.Problem;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.google.service.DriveUploader.Upload;
import dev.integrationhub.google.service.SpoolFile;
import dev.integrationhub.http.MultipartReader;
import dev.integrationhub.http.MultipartReader.Part;

/**
 * The multipart form of a Drive upload, read as it arrives. The fields before the file part are read first; the
 * file part is then spooled to disk by a thread of its own while the upload to Drive already sends what has
 * arrived ({@link #upload()}), so receiving and sending overlap.
 *
 * <p>
 * The file's length is told from the request's declared length, as if the file part were the last and the body
 * ended as RFC 2046 shows it, because Drive's upload of a known length is sent from one reused buffer. The stream
 * holds the file's last byte back until the request is in and the guess is confirmed. Fields after the file part
 * (or a body ended otherwise) make the guess wrong: the streamed upload is then abandoned before Drive saw its end
 * (Drive keeps nothing of it) and {@link #retry()} gives the upload again from the whole file with every field. A
 * request without a declared length, or one that may hold a file over the limit, is spooled completely first, so
 * that a file over the limit is refused before anything reaches Drive.
 */
final class DriveUploadForm implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DriveUploadForm.class);
    private static final String FILE = "file";
    private static final Set<String> FIELDS = Set.of("name", "folder_id", "mime_type", "connection_id");
    private static final int MAX_FIELD_BYTES = 4096;
    private static final int COPY_BUFFER = 256 * 1024;
    private static final String DEFAULT_TYPE = "application/octet-stream";

    private final MultipartReader reader;
    private final long maxFileSize;
    private final Map<String, String> fields = new HashMap<>();
    private final SpoolFile spool;
    private final Optional<String> filename;
    private final Optional<String> fileType;
    private final CompletableFuture<Boolean> rest = new CompletableFuture<>();
    private final Upload streamed;

    private DriveUploadForm(MultipartReader reader, long maxFileSize, Path spoolDirectory, OptionalLong declaredLength)
            throws IOException {
        this.reader = reader;
        this.maxFileSize = maxFileSize;
        Part file = readFieldsUpToFile();
        this.filename = file.filename();
        this.fileType = file.contentType();
        this.spool = SpoolFile.create(spoolDirectory);
        long expectedLength = declaredLength.orElse(-1) - reader.offset() - reader.closingLength();
        boolean stream = declaredLength.isPresent() && declaredLength.getAsLong() <= maxFileSize && expectedLength >= 0;
        LOG.debugf("A Drive upload form is %s", stream ? "streamed while it arrives" : "spooled whole first");
        if (stream) {
            this.streamed = upload(Map.copyOf(fields), expectedLength);
            Thread.ofVirtual().name("drive-upload-spool").start(() -> spoolRest(file));
        } else {
            spoolRest(file);
            this.streamed = null;
        }
    }

    /**
     * Starts reading a request's form: its fields up to the file part.
     *
     * @param declaredLength the request's {@code Content-Length}, if it has one
     * @throws ProblemException 400 not a well-formed form or no file part; 413 a file over {@code maxFileSize}
     *         (when it is spooled completely first)
     */
    static DriveUploadForm read(InputStream body, String contentType, OptionalLong declaredLength, long maxFileSize,
            Path spoolDirectory) {
        try {
            MultipartReader reader = MultipartReader.of(body, contentType);
            return new DriveUploadForm(reader, maxFileSize, spoolDirectory, declaredLength);
        } catch (MultipartReader.MalformedException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The upload with the fields that preceded the file; its content grows while the request arrives (or is whole,
     * when the form was spooled completely first).
     */
    Upload upload() {
        return streamed != null ? streamed : completed();
    }

    /**
     * The upload once the whole request is in, with every field and the whole file (waits for it).
     *
     * @throws ProblemException 400 the rest of the form is not well formed; 413 the file is over the limit
     */
    Upload completed() {
        awaitRest();
        return upload(fields, spool.length());
    }

    /**
     * After the streamed upload failed: the upload again from the whole file with every field, when the streamed
     * one had to be abandoned because fields followed the file or the file was not as long as told; empty when
     * nothing would change. Waits for the whole request.
     */
    Optional<Upload> retry() {
        if (streamed == null) {
            return Optional.empty();
        }
        boolean fieldsAfterFile = awaitRest();
        return fieldsAfterFile || spool.length() != streamed.size() ? Optional.of(completed()) : Optional.empty();
    }

    private boolean awaitRest() {
        try {
            return rest.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the upload was being received", e);
        }
    }

    private Upload upload(Map<String, String> known, long size) {
        String type = known.getOrDefault("mime_type", fileType.map(DriveUploadForm::stripParameters).orElse(DEFAULT_TYPE));
        return new Upload(spool, size, known.getOrDefault("name", filename.orElse(null)), type, known.get("folder_id"),
                known.get("connection_id"));
    }

    private Part readFieldsUpToFile() throws IOException {
        Optional<Part> part;
        while ((part = reader.next()).isPresent()) {
            if (part.get().name().equals(FILE)) {
                return part.get();
            }
            readField(part.get());
        }
        throw ProblemException.invalid(List.of(new Problem.FieldError(FILE, "is required")));
    }

    /** Stores a known field (at most once); other parts are skipped. */
    private void readField(Part part) throws IOException {
        if (!FIELDS.contains(part.name())) {
            return;
        }
        if (fields.containsKey(part.name())) {
            throw ProblemException.invalid(List.of(new Problem.FieldError(part.name(), "is given more than once")));
        }
        byte[] value = part.body().readNBytes(MAX_FIELD_BYTES + 1);
        if (value.length > MAX_FIELD_BYTES) {
            throw ProblemException
                    .invalid(List.of(new Problem.FieldError(part.name(), "is longer than " + MAX_FIELD_BYTES + " bytes")));
        }
        fields.put(part.name(), new String(value, StandardCharsets.UTF_8));
    }

    /** Copies the file part to the spool file, then reads the parts after it; ends {@link #rest} either way. */
    private void spoolRest(Part file) {
        try {
            copy(file.body());
            boolean fieldsAfter = false;
            Optional<Part> part;
            while ((part = reader.next()).isPresent()) {
                if (part.get().name().equals(FILE)) {
                    throw ProblemException.invalid(List.of(new Problem.FieldError(FILE, "is given more than once")));
                }
                fieldsAfter |= FIELDS.contains(part.get().name());
                readField(part.get());
            }
            spool.complete();
            rest.complete(fieldsAfter);
        } catch (RuntimeException e) {
            spool.fail(e);
            rest.completeExceptionally(e);
        } catch (MultipartReader.MalformedException e) {
            ProblemException problem = malformed(e);
            spool.fail(problem);
            rest.completeExceptionally(problem);
        } catch (IOException e) {
            // the client went away or the spool was closed: nobody waits for an answer any more
            ProblemException problem = new ProblemException(400, "upload_incomplete", "Upload incomplete",
                    "The request ended before the whole form arrived.");
            spool.fail(problem);
            rest.completeExceptionally(problem);
        }
    }

    private void copy(InputStream content) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER];
        long copied = 0;
        int read;
        // whole buffers: the network hands out a few KiB at a time, each a write and a wake-up of the sender
        while ((read = content.readNBytes(buffer, 0, buffer.length)) > 0) {
            copied += read;
            if (copied > maxFileSize) {
                throw new ProblemException(413, "file_too_large", "File too large",
                        "The file has more than " + maxFileSize + " bytes, the limit.");
            }
            spool.write(buffer, 0, read);
        }
    }

    private static ProblemException malformed(MultipartReader.MalformedException e) {
        return new ProblemException(400, "malformed_form", "Malformed form",
                "The body is not a well-formed multipart/form-data form: " + e.getMessage() + ".");
    }

    private static String stripParameters(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /** Deletes the spool file; a writer still receiving the request stops at its next write. */
    @Override
    public void close() {
        try {
            spool.close();
        } catch (IOException e) {
            LOG.warnf("A spooled upload could not be deleted: %s", e.getClass().getSimpleName());
        }
    }
}
