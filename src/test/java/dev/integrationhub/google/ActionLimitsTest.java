package dev.integrationhub.google;

import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.connection.Connection;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeGoogleApis;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The size limits of the actions, with small limits so that tests can exceed them: a file or message over its
 * limit is refused before anything reaches Google, a body over its route's limit before it is read.
 */
@QuarkusTest
@TestProfile(ActionLimitsTest.SmallLimits.class)
class ActionLimitsTest {

    private static final int FILE_LIMIT = 64 * 1024;

    /** Limits a test can exceed cheaply. */
    public static class SmallLimits implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hub.drive.max-file-size", "64K", "hub.gmail.max-message-size", "32K");
        }
    }

    @FakeProviders.InjectServer
    WireMockServer server;

    @Inject
    ConnectionFixtures fixtures;

    FakeGoogleApis google;

    @BeforeEach
    void fakes() {
        google = new FakeGoogleApis(server);
    }

    @Test
    void aFileOverTheLimitIsRefusedBeforeAnythingReachesDrive() {
        Connection drive = connection("google_drive");

        given().auth().oauth2(Tokens.forUser(drive.userId)).multiPart("file", "big.bin", new byte[FILE_LIMIT + 1])
                .when().post("/api/integrations/google_drive/files")
                .then().statusCode(413).body("code", equalTo("file_too_large"));
        assertThat(google.driveRequestCount()).isZero();
    }

    @Test
    void aFileAtTheLimitIsUploaded() {
        Connection drive = connection("google_drive");

        given().auth().oauth2(Tokens.forUser(drive.userId)).multiPart("file", "big.bin", new byte[FILE_LIMIT])
                .when().post("/api/integrations/google_drive/files").then().statusCode(201);
    }

    @Test
    void anUploadDeclaredFarOverItsRouteLimitIsRefusedBeforeItIsRead() {
        Connection drive = connection("google_drive");
        String boundary = "limit-test-boundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = Arrays.copyOf(head, head.length + FILE_LIMIT + 2 * 1024 * 1024);

        given().auth().oauth2(Tokens.forUser(drive.userId)).contentType("multipart/form-data; boundary=" + boundary)
                .body(body).when().post("/api/integrations/google_drive/files")
                .then().statusCode(413).body("code", equalTo("payload_too_large"));
        assertThat(google.driveRequestCount()).isZero();
    }

    @Test
    void anUploadStreamedPastItsRouteLimitIsCutOff() {
        Connection drive = connection("google_drive");

        given().auth().oauth2(Tokens.forUser(drive.userId))
                .multiPart("file", "huge.bin", new byte[FILE_LIMIT + 2 * 1024 * 1024])
                .when().post("/api/integrations/google_drive/files").then().statusCode(413);
        assertThat(google.driveRequestCount()).isZero();
    }

    @Test
    void anUndeclaredBodyPastItsRouteLimitInAnotherPartIsCutOff() {
        Connection drive = connection("google_drive");

        given().auth().oauth2(Tokens.forUser(drive.userId))
                .multiPart("notes", "notes.txt", new byte[FILE_LIMIT + 2 * 1024 * 1024])
                .multiPart("file", "small.bin", new byte[10])
                .when().post("/api/integrations/google_drive/files").then().statusCode(413);
        assertThat(google.driveRequestCount()).isZero();
    }

    @Test
    void aMessageOverTheLimitIsRefusedBeforeAnythingReachesGmail() {
        Connection gmail = connection("gmail");
        google.gmailSends("never", "never");

        given().auth().oauth2(Tokens.forUser(gmail.userId)).contentType("application/json")
                .body(Map.of("to", List.of("bob@example.com"), "subject", "Big", "text", "x".repeat(40 * 1024)))
                .when().post("/api/integrations/gmail/send")
                .then().statusCode(413).body("code", equalTo("message_too_large"));
        assertThat(google.gmailRequests()).isEmpty();
    }

    private Connection connection(String integrationType) {
        return fixtures.create(ConnectionFixtures.newUser("alice"), integrationType, "alice@example.com",
                secret("ya29.limits"), secret("1//limits"));
    }
}
