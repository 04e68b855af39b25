package dev.integrationhub.google;

import static dev.integrationhub.testsupport.FakeGoogleApis.googleError;
import static dev.integrationhub.testsupport.FakeOAuth.DRIVE_FILE;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.audit.AuditEntry;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeDrive;
import dev.integrationhub.testsupport.FakeGoogleApis;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.Tokens;
import dev.integrationhub.testsupport.Webhooks;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * Drive upload through the official client against a fake Drive served over HTTP: what is refused before any
 * call, what each refusal of Drive becomes, and that the spooled file never outlives the request.
 */
@QuarkusTest
class DriveUploadTest {

    @FakeProviders.InjectServer
    WireMockServer server;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    EntityManager entityManager;

    @ConfigProperty(name = "quarkus.http.body.uploads-directory")
    Path uploads;

    @FakeProviders.InjectServer
    FakeDrive drive;

    FakeGoogleApis google;

    @BeforeEach
    void fakes() {
        google = new FakeGoogleApis(server);
    }

    @AfterEach
    void noSpooledFileOutlivesItsRequest() throws IOException {
        assertThat(spooled()).isEmpty();
    }

    private List<Path> spooled() throws IOException {
        if (!Files.isDirectory(uploads)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(uploads)) {
            return files.toList();
        }
    }

    @Test
    void aFileOfSeveralChunksArrivesWholeAndDescribed() {
        String access = secret("ya29.drive");
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "google_drive", "alice@example.com",
                access, secret("1//drive"));
        byte[] content = content(700_000);

        given().auth().oauth2(Tokens.forUser(connection.userId)).multiPart("file", "figures.bin", content,
                "application/octet-stream").multiPart("name", "Figures Q3.bin").multiPart("folder_id", "folder-1")
                .when().post("/api/integrations/google_drive/files")
                .then().statusCode(201).body("name", equalTo("Figures Q3.bin")).body("size", equalTo(700_000))
                .body("mime_type", equalTo("application/octet-stream"))
                .body("file_id", equalTo(drive.uploads().getFirst().fileId()))
                .body("web_view_link", containsString(drive.uploads().getFirst().fileId()));

        FakeDrive.Upload upload = drive.uploads().getFirst();
        assertThat(upload.bytes()).isEqualTo(content);
        assertThat(upload.chunkRequests()).isEqualTo(3);
        assertThat(upload.parents()).containsExactly("folder-1");
        assertThat(upload.authorizations()).containsOnly("Bearer " + access);
    }

    @Test
    void aChunkThatFailsIsResumedFromTheOffsetDriveReports() {
        Connection connection = drive("alice");
        byte[] content = content(700_000);
        drive.failChunk(2, 503);

        given().auth().oauth2(Tokens.forUser(connection.userId)).multiPart("file", "figures.bin", content)
                .when().post("/api/integrations/google_drive/files").then().statusCode(201);

        FakeDrive.Upload upload = drive.uploads().getFirst();
        assertThat(upload.bytes()).isEqualTo(content);
        assertThat(upload.statusQueries()).isEqualTo(1);
        assertThat(upload.chunkRequests()).isEqualTo(4);
    }

    @Test
    void theSpooledFileLivesOnlyWhileItsUploadRuns() throws IOException {
        Connection connection = drive("alice");
        drive.delayChunk(1, Duration.ofSeconds(1));

        CompletableFuture<Integer> upload = CompletableFuture.supplyAsync(() -> given().auth()
                .oauth2(Tokens.forUser(connection.userId)).multiPart("file", "figures.bin", content(300_000))
                .when().post("/api/integrations/google_drive/files").then().extract().statusCode());
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> spooled().size() == 1);

        assertThat(upload.join()).isEqualTo(201);
        assertThat(spooled()).isEmpty();
    }

    @Test
    void anUploadByAPlatformServiceIsAuditedWithoutContent() {
        Connection connection = drive("alice");

        String text = FakeOAuth.secret("file content");

        given().auth().oauth2(Tokens.forService("workflow-engine", "integration-hub-token-reader"))
                .multiPart("file", "notes.txt", text.getBytes(StandardCharsets.UTF_8), "text/plain")
                .multiPart("connection_id", connection.id.toString())
                .when().post("/api/integrations/google_drive/files").then().statusCode(201);

        AuditEntry entry = QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("from AuditEntry where connectionId = ?1 and action = 'action.drive_upload'",
                        AuditEntry.class)
                .setParameter(1, connection.id).getSingleResult());
        assertThat(entry.actor).isEqualTo("workflow-engine");
        assertThat(entry.detail).containsEntry("client_id", "workflow-engine").containsEntry("size", text.length())
                .containsEntry("file_id", drive.uploads().getFirst().fileId());
    }

    @Test
    void aFolderTheHubDidNotCreateIsNotFound() {
        Connection drive = drive("alice");
        google.driveInitiationAnswers(googleError(404, "notFound", "File not found: folder-x."));

        upload(drive.userId).multiPart("folder_id", "folder-x").when().post("/api/integrations/google_drive/files")
                .then().statusCode(404).body("code", equalTo("folder_not_found"));
    }

    @Test
    void aFullDriveIsInsufficientStorage() {
        Connection drive = drive("alice");
        google.driveInitiationAnswers(
                googleError(403, "storageQuotaExceeded", "The user's Drive storage quota has been exceeded."));

        upload(drive.userId).when().post("/api/integrations/google_drive/files")
                .then().statusCode(507).body("code", equalTo("drive_quota_exceeded"));
    }

    @Test
    void aMissingScopeMakesTheConnectionNeedReauthorization() {
        Connection drive = drive("alice");
        google.driveInitiationAnswers(googleError(403, "insufficientPermissions", "Insufficient Permission"));

        upload(drive.userId).when().post("/api/integrations/google_drive/files")
                .then().statusCode(409).body("code", equalTo("reauth_required"));

        assertThat(fixtures.find(drive.id).status).isEqualTo(ConnectionStatus.NEEDS_REAUTH);
        assertThat(fixtures.find(drive.id).lastRefreshError).contains(DRIVE_FILE);
        Webhooks.awaitEvents(server, drive.id, List.of("connection.needs_reauth"));
    }

    @Test
    void driveUnavailableIsServiceUnavailableWithRetryAfter() {
        Connection drive = drive("alice");
        google.driveInitiationAnswers(googleError(503, "backendError", "Backend Error").withHeader("Retry-After", "12"));

        upload(drive.userId).when().post("/api/integrations/google_drive/files")
                .then().statusCode(503).body("code", equalTo("google_unavailable")).header("Retry-After", "12");
    }

    @Test
    void aNameWithAPathIsRefusedBeforeAnyCall() {
        Connection drive = drive("alice");

        upload(drive.userId).multiPart("name", "../etc/passwd").multiPart("folder_id", "not a folder!")
                .when().post("/api/integrations/google_drive/files")
                .then().statusCode(400).body("errors.field", hasItems("name", "folder_id"));
        assertThat(google.driveRequestCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = { ".", ".." })
    void aNameThatNamesADirectoryIsRefusedBeforeAnyCall(String name) {
        Connection drive = drive("alice");

        upload(drive.userId).multiPart("name", name).when().post("/api/integrations/google_drive/files")
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItems("name"))
                .body("errors.message", hasItems("must be a file name, not . or .."));
        assertThat(google.driveRequestCount()).isZero();
    }

    @Test
    void aRequestWithoutAFileIsRefused() {
        Connection drive = drive("alice");

        given().auth().oauth2(Tokens.forUser(drive.userId)).multiPart("name", "report.txt")
                .when().post("/api/integrations/google_drive/files")
                .then().statusCode(400).body("errors.field", hasItems("file"));
    }

    @Test
    void anotherUsersConnectionIsNotFoundAndNothingIsUploaded() {
        Connection alices = drive("alice");

        upload(ConnectionFixtures.newUser("mallory")).multiPart("connection_id", alices.id.toString())
                .when().post("/api/integrations/google_drive/files").then().statusCode(404);
        assertThat(google.driveRequestCount()).isZero();
    }

    @Test
    void aGmailConnectionCannotUploadToDrive() {
        Connection gmail = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com",
                secret("ya29.mail"), secret("1//mail"));

        upload(gmail.userId).multiPart("connection_id", gmail.id.toString())
                .when().post("/api/integrations/google_drive/files").then().statusCode(404);
        assertThat(google.driveRequestCount()).isZero();
    }

    /** Random bytes; never starting like gzip, which the fake server would take for a compressed body. */
    private static byte[] content(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        bytes[0] = 'x';
        return bytes;
    }

    private Connection drive(String user) {
        return fixtures.create(ConnectionFixtures.newUser(user), "google_drive", user + "@example.com",
                secret("ya29.drive"), secret("1//drive"));
    }

    private static RequestSpecification upload(String userId) {
        return given().auth().oauth2(Tokens.forUser(userId)).multiPart("file", "report.txt",
                "quarterly figures".getBytes(StandardCharsets.UTF_8), "text/plain");
    }
}
