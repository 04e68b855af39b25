package dev.integrationhub.testsupport;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.google.api.client.googleapis.media.MediaHttpUploader;
import com.google.api.client.http.AbstractInputStreamContent;
import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.HttpBackOffIOExceptionHandler;
import com.google.api.client.http.HttpBackOffUnsuccessfulResponseHandler;
import com.google.api.client.http.InputStreamContent;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.util.ExponentialBackOff;
import com.google.api.services.drive.Drive;
import com.google.api.services.drive.model.File;

/**
 * Pins that {@link FakeDrive} speaks Drive's resumable upload the way the official client ({@link MediaHttpUploader}
 * behind {@code files().create}) expects it, over real HTTP: chunks, resumption after errors and timeouts, the
 * resource it answers, and its reset along with the server's mappings.
 */
class FakeDriveTest {

    /** The root URL's path, as the hub's {@code hub.google.api-root-url} has one in tests. */
    private static final String ROOT_PATH = "/googleapis/";
    /** Where the client uploads: {@code /upload/drive/v3/files} at the host's root, ignoring the root URL's path. */
    private static final String PREFIX = "/";
    private static final String TOKEN = "fake-drive-access-token";
    private static final String PDF = "application/pdf";
    private static final String FIELDS = "id,name,mimeType,size,webViewLink";
    /** Three chunks at 256 KiB a chunk: two full ones and a last one of 175,712 bytes. */
    private static final byte[] CONTENT = content(700_000);

    private final FakeDrive drive = new FakeDrive();
    private WireMockServer server;

    @BeforeEach
    void startServer() {
        server = new WireMockServer(options().dynamicPort().extensions(drive));
        server.start();
        FakeDrive.install(server, PREFIX);
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    @Test
    void aThreeChunkUploadArrivesByteExact() throws IOException {
        upload(client(Duration.ofSeconds(20)), new ByteArrayContent(PDF, CONTENT));

        FakeDrive.Upload upload = onlyUpload();
        assertThat(upload.bytes()).isEqualTo(CONTENT);
        assertThat(upload.chunkRequests()).isEqualTo(3);
        assertThat(upload.statusQueries()).isZero();
        assertThat(upload.completed()).isTrue();
    }

    @Test
    void aServerErrorOnChunkTwoIsResumedFromTheOffsetTheFakeReports() throws IOException {
        drive.failChunk(2, 503);

        upload(client(Duration.ofSeconds(20)), new ByteArrayContent(PDF, CONTENT));

        FakeDrive.Upload upload = onlyUpload();
        assertThat(upload.bytes()).isEqualTo(CONTENT);
        assertThat(upload.statusQueries()).isEqualTo(1);
        assertThat(upload.chunkRequests()).isEqualTo(4);
    }

    @Test
    void aChunkWhoseAnswerTimesOutIsNotSentAgain() throws IOException {
        drive.delayChunk(2, Duration.ofSeconds(2));

        upload(client(Duration.ofSeconds(1)), new ByteArrayContent(PDF, CONTENT));

        FakeDrive.Upload upload = onlyUpload();
        assertThat(upload.bytes()).isEqualTo(CONTENT);
        assertThat(upload.statusQueries()).isEqualTo(1);
        assertThat(upload.chunkRequests()).isEqualTo(3);
    }

    @Test
    void anUploadOfUnknownLengthArrivesByteExact() throws IOException {
        upload(client(Duration.ofSeconds(20)), new InputStreamContent(PDF, new ByteArrayInputStream(CONTENT)));

        FakeDrive.Upload upload = onlyUpload();
        assertThat(upload.bytes()).isEqualTo(CONTENT);
        assertThat(upload.uploadContentLength()).isEmpty();
        assertThat(upload.completed()).isTrue();
    }

    @Test
    void anEmptyFileIsCreatedByTheStatusQueryThatFollowsTheInitiation() throws IOException {
        File file = upload(client(Duration.ofSeconds(20)), new ByteArrayContent(PDF, new byte[0]));

        FakeDrive.Upload upload = onlyUpload();
        assertThat(file.getSize()).isZero();
        assertThat(upload.completed()).isTrue();
        assertThat(upload.chunkRequests()).isZero();
        assertThat(upload.statusQueries()).isEqualTo(1);
    }

    @Test
    void theInitiationsMetadataAndEveryRequestsAuthorizationAreRecorded() throws IOException {
        upload(client(Duration.ofSeconds(20)), new ByteArrayContent(PDF, CONTENT));

        FakeDrive.Upload upload = onlyUpload();
        assertThat(upload.name()).isEqualTo("report.pdf");
        assertThat(upload.mimeType()).isEqualTo(PDF);
        assertThat(upload.parents()).containsExactly("folder-1");
        assertThat(upload.uploadContentType()).hasValue(PDF);
        assertThat(upload.uploadContentLength()).hasValue(CONTENT.length);
        assertThat(upload.authorizations()).hasSize(4).containsOnly("Bearer " + TOKEN);
    }

    @Test
    void theClientReceivesTheFilesIdNameSizeAndLink() throws IOException {
        File file = upload(client(Duration.ofSeconds(20)), new ByteArrayContent(PDF, CONTENT));

        String id = onlyUpload().fileId();
        assertThat(file.getId()).isEqualTo(id);
        assertThat(file.getName()).isEqualTo("report.pdf");
        assertThat(file.getSize()).isEqualTo(CONTENT.length);
        assertThat(file.getWebViewLink()).isEqualTo("https://drive.google.com/file/d/" + id + "/view");
    }

    @Test
    void withoutFieldsTheClientReceivesOnlyDrivesDefaultFields() throws IOException {
        Drive.Files.Create create = client(Duration.ofSeconds(20)).files().create(metadata(),
                new ByteArrayContent(PDF, CONTENT));
        create.getMediaHttpUploader().setChunkSize(MediaHttpUploader.MINIMUM_CHUNK_SIZE);

        File file = create.execute();

        assertThat(file.getId()).isEqualTo(onlyUpload().fileId());
        assertThat(file.getMimeType()).isEqualTo(PDF);
        assertThat(file.getSize()).isNull();
        assertThat(file.getWebViewLink()).isNull();
    }

    @Test
    void aResetOfTheServersMappingsForgetsSessionsAndArmedFaults() throws IOException {
        upload(client(Duration.ofSeconds(20)), new ByteArrayContent(PDF, CONTENT));
        drive.failChunk(4, 503);

        server.resetAll();
        FakeDrive.install(new WireMock(server.port()), PREFIX);
        upload(client(Duration.ofSeconds(20)), new ByteArrayContent(PDF, CONTENT));

        FakeDrive.Upload upload = onlyUpload();
        assertThat(upload.bytes()).isEqualTo(CONTENT);
        assertThat(upload.chunkRequests()).isEqualTo(3);
        assertThat(upload.statusQueries()).isZero();
    }

    @Test
    void aChunkThatSkipsAheadIsDroppedAndAnsweredWithTheBytesHeld() throws Exception {
        URI session = initiate();
        put(session, "bytes 0-9/30", new byte[10]);

        HttpResponse<Void> skipping = put(session, "bytes 20-29/30", new byte[10]);

        assertThat(skipping.statusCode()).isEqualTo(308);
        assertThat(skipping.headers().firstValue("Range")).hasValue("bytes=0-9");
        assertThat(onlyUpload().bytes()).hasSize(10);
    }

    @Test
    void aStatusQueryBeforeAnyByteAnswersResumeIncompleteWithoutRange() throws Exception {
        URI session = initiate();

        HttpResponse<Void> status = put(session, "bytes */30", new byte[0]);

        assertThat(status.statusCode()).isEqualTo(308);
        assertThat(status.headers().firstValue("Range")).isEmpty();
        assertThat(onlyUpload().statusQueries()).isEqualTo(1);
    }

    private Drive client(Duration readTimeout) {
        return new Drive.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), request -> {
            request.getHeaders().setAuthorization("Bearer " + TOKEN);
            request.setReadTimeout(Math.toIntExact(readTimeout.toMillis()));
            request.setUnsuccessfulResponseHandler(new HttpBackOffUnsuccessfulResponseHandler(backOff()));
            request.setIOExceptionHandler(new HttpBackOffIOExceptionHandler(backOff()));
        }).setRootUrl(server.baseUrl() + ROOT_PATH).setApplicationName("fake-drive-test").build();
    }

    private static ExponentialBackOff backOff() {
        return new ExponentialBackOff.Builder().setInitialIntervalMillis(10).build();
    }

    private static File metadata() {
        return new File().setName("report.pdf").setMimeType(PDF).setParents(List.of("folder-1"));
    }

    private static File upload(Drive client, AbstractInputStreamContent content) throws IOException {
        Drive.Files.Create create = client.files().create(metadata(), content).setFields(FIELDS);
        create.getMediaHttpUploader().setChunkSize(MediaHttpUploader.MINIMUM_CHUNK_SIZE);
        return create.execute();
    }

    private FakeDrive.Upload onlyUpload() {
        assertThat(drive.uploads()).hasSize(1);
        return drive.uploads().getFirst();
    }

    private URI initiate() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest
                .newBuilder(URI.create(server.baseUrl() + PREFIX + "upload/drive/v3/files?uploadType=resumable"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json; charset=UTF-8")
                .POST(BodyPublishers.ofString("{\"name\":\"notes.txt\"}", StandardCharsets.UTF_8)).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return URI.create(http.send(request, BodyHandlers.discarding()).headers().firstValue("Location").orElseThrow());
        }
    }

    private static HttpResponse<Void> put(URI session, String contentRange, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(session).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Range", contentRange).PUT(BodyPublishers.ofByteArray(body)).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, BodyHandlers.discarding());
        }
    }

    /** A byte pattern that no chunk boundary turns into gzip's magic bytes (which WireMock would un-gzip). */
    private static byte[] content(int length) {
        byte[] content = new byte[length];
        for (int i = 0; i < length; i++) {
            content[i] = (byte) (i % 251);
        }
        return content;
    }
}
