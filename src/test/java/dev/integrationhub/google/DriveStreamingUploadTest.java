package dev.integrationhub.google;

import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static dev.integrationhub.testsupport.MultipartForms.field;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.connection.Connection;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeDrive;
import dev.integrationhub.testsupport.FakeGoogleApis;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.MultipartForms;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A Drive upload with a declared length is sent on to Drive while it still arrives (the test chunk size is
 * 256 KiB): what Drive receives and when, what becomes of the fields after the file, and that a request that
 * breaks off or is malformed leaves nothing in Drive and nothing on disk. The requests are written on a socket, so
 * each test decides when each byte arrives.
 */
@QuarkusTest
class DriveStreamingUploadTest {

    private static final String BOUNDARY = "hub-test-boundary-5f1d2c";
    private static final int CHUNK = 256 * 1024;

    @FakeProviders.InjectServer
    WireMockServer server;

    @FakeProviders.InjectServer
    FakeDrive drive;

    @Inject
    ConnectionFixtures fixtures;

    @ConfigProperty(name = "quarkus.http.body.uploads-directory")
    Path uploads;

    @TestHTTPResource("/")
    URL hub;

    FakeGoogleApis google;

    @BeforeEach
    void fakes() {
        google = new FakeGoogleApis(server);
    }

    @AfterEach
    void noSpooledFileOutlivesItsRequest() {
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> spooled().isEmpty());
    }

    @Test
    void driveReceivesChunksWhileTheFileIsStillArriving() throws Exception {
        Connection connection = drive("alice");
        byte[] content = content(3 * CHUNK + 1000);
        byte[] body = form(field("name", "Figures Q3.bin"), field("folder_id", "folder-1"),
                file("figures.bin", content));
        int half = body.length - 2 * CHUNK;

        try (Socket socket = post(connection.userId, body.length)) {
            socket.getOutputStream().write(body, 0, half);
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> !drive.uploads().isEmpty() && drive.uploads().getFirst().bytes().length >= CHUNK);
            assertThat(drive.uploads().getFirst().completed()).isFalse();
            socket.getOutputStream().write(body, half, body.length - half);

            assertThat(response(socket)).startsWith("HTTP/1.1 201").contains("\"name\":\"Figures Q3.bin\"")
                    .contains("\"size\":" + content.length);
        }
        FakeDrive.Upload upload = drive.uploads().getFirst();
        assertThat(drive.uploads()).hasSize(1);
        assertThat(upload.bytes()).isEqualTo(content);
        assertThat(upload.parents()).containsExactly("folder-1");
        assertThat(upload.completed()).isTrue();
    }

    @Test
    void aChunkThatFailsWhileStreamingIsResumedFromTheOffsetDriveReports() throws Exception {
        Connection connection = drive("alice");
        byte[] content = content(700_000);
        drive.failChunk(2, 503);

        assertThat(send(connection.userId, form(file("figures.bin", content)))).startsWith("HTTP/1.1 201");

        FakeDrive.Upload upload = drive.uploads().getFirst();
        assertThat(upload.bytes()).isEqualTo(content);
        assertThat(upload.statusQueries()).isEqualTo(1);
    }

    @Test
    void fieldsAfterTheFileAreHonouredAndTheUploadStreamedWithoutThemIsNeverCompleted() throws Exception {
        Connection connection = drive("alice");
        byte[] content = content(3 * CHUNK);
        byte[] fileFirst = form(file("figures.bin", content), field("name", "Named later.bin"));
        int fileEnd = indexOf(fileFirst, ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"name\"")
                .getBytes(StandardCharsets.ISO_8859_1));

        try (Socket socket = post(connection.userId, fileFirst.length)) {
            socket.getOutputStream().write(fileFirst, 0, fileEnd);
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> !drive.uploads().isEmpty() && drive.uploads().getFirst().bytes().length >= CHUNK);
            socket.getOutputStream().write(fileFirst, fileEnd, fileFirst.length - fileEnd);

            assertThat(response(socket)).startsWith("HTTP/1.1 201").contains("\"name\":\"Named later.bin\"");
        }
        List<FakeDrive.Upload> sessions = drive.uploads();
        assertThat(sessions).hasSize(2);
        assertThat(sessions.get(0).completed()).isFalse();
        assertThat(sessions.get(1).name()).isEqualTo("Named later.bin");
        assertThat(sessions.get(1).bytes()).isEqualTo(content);
    }

    @Test
    void aBodyEndedWithoutTheUsualLineBreakStillUploadsTheExactFile() throws Exception {
        Connection connection = drive("alice");
        byte[] content = content(2 * CHUNK);
        byte[] form = form(file("figures.bin", content));
        byte[] withoutFinalLineBreak = Arrays.copyOf(form, form.length - 2);

        assertThat(send(connection.userId, withoutFinalLineBreak)).startsWith("HTTP/1.1 201");

        List<FakeDrive.Upload> completed = drive.uploads().stream().filter(FakeDrive.Upload::completed).toList();
        assertThat(completed).hasSize(1);
        assertThat(completed.getFirst().bytes()).isEqualTo(content);
    }

    @Test
    void aRequestThatBreaksOffLeavesNothingInDriveAndNothingOnDisk() throws Exception {
        Connection connection = drive("alice");
        byte[] body = form(file("figures.bin", content(4 * CHUNK)));

        try (Socket socket = post(connection.userId, body.length)) {
            socket.getOutputStream().write(body, 0, 2 * CHUNK);
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> !drive.uploads().isEmpty() && drive.uploads().getFirst().bytes().length >= CHUNK);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> spooled().size() == 1);
        }

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> spooled().isEmpty());
        assertThat(drive.uploads()).noneMatch(FakeDrive.Upload::completed);
    }

    @Test
    void aClientWaitingForTheGoAheadIsToldToContinueBeforeItSendsTheBody() throws Exception {
        Connection connection = drive("alice");
        byte[] content = content(CHUNK);
        byte[] body = form(file("figures.bin", content));

        try (Socket socket = post(connection.userId, body.length, "Expect: 100-continue\r\n")) {
            byte[] interim = new byte["HTTP/1.1 100 Continue\r\n\r\n".length()];
            socket.getInputStream().readNBytes(interim, 0, interim.length);
            assertThat(new String(interim, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 100 Continue");
            socket.getOutputStream().write(body);

            assertThat(response(socket)).startsWith("HTTP/1.1 201");
        }
        assertThat(drive.uploads().getFirst().bytes()).isEqualTo(content);
    }

    @Test
    void aMalformedFormIsRefusedBeforeAnyCall() throws Exception {
        Connection connection = drive("alice");
        byte[] body = ("--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nno disposition\r\n--" + BOUNDARY + "--\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);

        assertThat(send(connection.userId, body)).startsWith("HTTP/1.1 400").contains("malformed_form")
                .contains("application/problem+json");
        assertThat(google.driveRequestCount()).isZero();
    }

    @Test
    void aFieldGivenTwiceIsRefusedBeforeAnyCall() throws Exception {
        Connection connection = drive("alice");
        byte[] body = form(field("name", "a.txt"), field("name", "b.txt"), file("report.txt", content(100)));

        assertThat(send(connection.userId, body)).startsWith("HTTP/1.1 400").contains("\"field\":\"name\"")
                .contains("more than once");
        assertThat(google.driveRequestCount()).isZero();
    }

    @Test
    void aSecondFileAfterTheFirstIsRefusedAndNothingIsCompletedInDrive() throws Exception {
        Connection connection = drive("alice");
        byte[] body = form(file("a.bin", content(2 * CHUNK)), file("b.bin", content(10)));

        assertThat(send(connection.userId, body)).startsWith("HTTP/1.1 400").contains("\"field\":\"file\"");
        assertThat(drive.uploads()).noneMatch(FakeDrive.Upload::completed);
    }

    private Connection drive(String user) {
        return fixtures.create(ConnectionFixtures.newUser(user), "google_drive", user + "@example.com",
                secret("ya29.drive"), secret("1//drive"));
    }

    /** Sends a whole form and reads the answer. */
    private String send(String userId, byte[] body) throws IOException {
        try (Socket socket = post(userId, body.length)) {
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return response(socket);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                socket.getOutputStream().write(body);
            } catch (IOException e) {
                // the hub may answer and close before it read everything
            }
            return answer.join();
        }
    }

    /** Opens a connection to the hub and writes the request's head, declaring {@code length} bytes of body. */
    private Socket post(String userId, int length) throws IOException {
        return post(userId, length, "");
    }

    /** As {@link #post(String, int)}, with more header lines (each ending in CR LF). */
    private Socket post(String userId, int length, String moreHeaders) throws IOException {
        Socket socket = new Socket(hub.getHost(), hub.getPort());
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/integrations/google_drive/files HTTP/1.1\r\nHost: " + hub.getHost() + "\r\n"
                + "Authorization: Bearer " + Tokens.forUser(userId) + "\r\n"
                + "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\n"
                + "Content-Length: " + length + "\r\nConnection: close\r\n" + moreHeaders + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        return socket;
    }

    private static String response(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static byte[] file(String filename, byte[] content) {
        return MultipartForms.file("file", filename, "application/octet-stream", content);
    }

    private static byte[] form(byte[]... parts) {
        return MultipartForms.form(BOUNDARY, parts);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }

    /** Random bytes; never starting like gzip, which the fake server would take for a compressed body. */
    private static byte[] content(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        bytes[0] = 'x';
        return bytes;
    }

    private List<Path> spooled() throws IOException {
        if (!Files.exists(uploads)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(uploads)) {
            return files.toList();
        }
    }
}
