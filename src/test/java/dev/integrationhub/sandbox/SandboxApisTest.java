package dev.integrationhub.sandbox;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.sandbox.SandboxBrowser.Connected;
import dev.integrationhub.sandbox.service.SandboxAuthorizationServer;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.IssuedSecrets;
import dev.integrationhub.testsupport.Tokens;
import dev.integrationhub.token.AccessTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Gmail send and Drive upload through the hub's own Google clients against the sandbox's Gmail and Drive, as in dev
 * mode: what arrives shows on the sandbox console, a grant without the method's scope is refused as Google refuses it,
 * and the console keeps only the latest items.
 */
@QuarkusTest
@TestProfile(SandboxProfile.class)
class SandboxApisTest {

    private static final List<String> GMAIL_SCOPES = List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY);
    private static final String DRIVE_FILE = "https://www.googleapis.com/auth/drive.file";
    private static final String GMAIL_UPLOAD = "/upload/gmail/v1/users/me/messages/send";

    @FakeProviders.InjectServer
    WireMockServer server;

    @Inject
    SandboxAuthorizationServer sandbox;

    @Inject
    AccessTokens accessTokens;

    @Inject
    ConnectionFixtures fixtures;

    @BeforeEach
    void routes() {
        SandboxRoutes.forward(server);
    }

    @Test
    void aMailSentThroughTheHubShowsOnTheConsoleWithItsAddressesSubjectAndSize() {
        Connected alice = SandboxBrowser.connect("gmail", GMAIL_SCOPES);
        String subject = "Quarterly figures " + UUID.randomUUID();

        given().auth().oauth2(Tokens.forUser(alice.user())).contentType("application/json")
                .body(Map.of("to", List.of("bob@example.com"), "subject", subject, "text", "See attached."))
                .when().post("/api/integrations/gmail/send").then().statusCode(200)
                .body("message_id", matchesPattern("[0-9a-f]{16}")).body("thread_id", matchesPattern("[0-9a-f]{16}"));

        String console = given().when().get("/sandbox/console").then().statusCode(200)
                .contentType(containsString("text/html")).extract().body().asString();
        assertThat(console).contains(subject, alice.account(), "bob@example.com");
    }

    @Test
    void aFileUploadedThroughTheHubInSeveralChunksShowsOnTheConsoleWithItsNameTypeAndSize() {
        Connected alice = SandboxBrowser.connect("google_drive", List.of("openid", "email", DRIVE_FILE));
        byte[] content = new byte[600 * 1024];
        new Random(7).nextBytes(content);
        String name = "report-" + UUID.randomUUID() + ".bin";

        String link = given().auth().oauth2(Tokens.forUser(alice.user()))
                .multiPart("file", "report.bin", content, "application/octet-stream").multiPart("name", name)
                .when().post("/api/integrations/google_drive/files").then().statusCode(201)
                .body("name", equalTo(name)).body("size", equalTo(content.length))
                .body("mime_type", equalTo("application/octet-stream")).extract().path("web_view_link");

        assertThat(link).contains("/sandbox/console#file-");
        String console = given().when().get("/sandbox/console").then().statusCode(200).extract().body().asString();
        assertThat(console).contains(name, "application/octet-stream", content.length + " bytes",
                "id=\"file-" + link.substring(link.indexOf("#file-") + 6) + "\"");
    }

    @Test
    void anUploadIntoAFolderTheSandboxDriveDoesNotKnowIsFolderNotFound() {
        Connected alice = SandboxBrowser.connect("google_drive", List.of("openid", "email", DRIVE_FILE));

        given().auth().oauth2(Tokens.forUser(alice.user()))
                .multiPart("file", "note.txt", "hello".getBytes(StandardCharsets.UTF_8), "text/plain")
                .multiPart("folder_id", "folder-nobody-made").when().post("/api/integrations/google_drive/files")
                .then().statusCode(404).body("code", equalTo("folder_not_found"));
    }

    @Test
    void aSendWhoseGrantLostTheSendScopeIsReauthRequiredAndTheConnectionNeedsReauth() {
        Connected alice = SandboxBrowser.connect("gmail", GMAIL_SCOPES);
        String grant = sandbox.grants().stream().filter(g -> g.account().equals(alice.account())).findFirst()
                .orElseThrow().id();
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded").formParam("grant", grant)
                .formParam("scope", GMAIL_SEND)
                .when().post("/sandbox/console/grants/withdraw-scope").then().statusCode(303);

        given().auth().oauth2(Tokens.forUser(alice.user())).contentType("application/json")
                .body(Map.of("to", List.of("bob@example.com"), "subject", "Hello", "text", "Hi"))
                .when().post("/api/integrations/gmail/send").then().statusCode(409)
                .body("code", equalTo("reauth_required"));

        assertThat(fixtures.find(alice.id()).status).isEqualTo(ConnectionStatus.NEEDS_REAUTH);
    }

    @Test
    void theSandboxGmailAndDriveRefuseABearerTheSandboxDidNotIssueAsGoogleDoes() {
        given().auth().oauth2("not-a-sandbox-token").contentType("message/rfc822")
                .body("To: bob@example.com\r\n\r\nHi".getBytes(StandardCharsets.UTF_8))
                .when().post(GMAIL_UPLOAD + "?uploadType=media").then().statusCode(401)
                .header("WWW-Authenticate", containsString("invalid_token"))
                .body("error.code", equalTo(401)).body("error.errors[0].reason", equalTo("authError"));
        given().auth().oauth2("not-a-sandbox-token").contentType("application/json").body("{\"name\":\"x\"}")
                .when().post("/upload/drive/v3/files?uploadType=resumable").then().statusCode(401)
                .body("error.status", equalTo("UNAUTHENTICATED"));
    }

    @Test
    void theConsoleKeepsOnlyTheLatestMailsAndCountsTheDroppedOnes() {
        Connected alice = SandboxBrowser.connect("gmail", GMAIL_SCOPES);
        String token = accessTokens.forConnection(alice.id()).token();
        IssuedSecrets.record(token);
        String batch = "bounded-" + UUID.randomUUID();

        for (int i = 1; i <= SandboxProfile.MAX_ITEMS + 1; i++) {
            given().auth().oauth2(token).contentType("message/rfc822")
                    .body(("From: " + alice.account() + "\r\nTo: bob@example.com\r\nSubject: " + batch + "-" + i
                            + "\r\n\r\nHello").getBytes(StandardCharsets.UTF_8))
                    .when().post(GMAIL_UPLOAD + "?uploadType=media").then().statusCode(200)
                    .body("labelIds[0]", equalTo("SENT"));
        }

        given().when().get("/sandbox/console").then().statusCode(200)
                .body(not(containsString(batch + "-1<")))
                .body(containsString(batch + "-2<"), containsString(batch + "-" + (SandboxProfile.MAX_ITEMS + 1) + "<"))
                .body(containsString("older mails not kept"));
    }
}
