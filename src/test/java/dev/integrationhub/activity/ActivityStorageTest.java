package dev.integrationhub.activity;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.activity.service.ActivityPurge;
import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.DatabaseRows;
import dev.integrationhub.testsupport.FakeDrive;
import dev.integrationhub.testsupport.FakeGoogleApis;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.testsupport.Tokens;
import dev.integrationhub.token.RefreshScheduler;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** What the activity keeps: no token and no content, and nothing older than {@code hub.activity.retention}. */
@QuarkusTest
class ActivityStorageTest {

    @FakeProviders.InjectServer
    WireMockServer server;

    @FakeProviders.InjectServer
    FakeDrive drive;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    ActivityPurge purge;

    @Inject
    RefreshScheduler scheduler;

    @Inject
    TestClock clock;

    @Inject
    HubConfig config;

    @Inject
    DataSource dataSource;

    @Test
    void theRetentionPurgeDeletesOlderEntriesInBatchesAndKeepsNewerOnes() {
        Connection old = connection("alice");
        ActivityClient.handOut(old.id, config.activity().purgeBatchSize() * 2 + 1);
        clock.advance(config.activity().retention().plus(Duration.ofMinutes(1)));
        Connection recent = fixtures.create(old.userId, "gmail", "alice@work.example", secret("ya29.w"), secret("1//w"));
        ActivityClient.handOut(recent.id, 1);

        assertThat(purge.purge()).isGreaterThan(config.activity().purgeBatchSize() * 2);

        assertThat(ActivityClient.all(old.userId, null, null).extract().<List<String>> path("entries.connection_id"))
                .containsExactly(recent.id.toString());
    }

    @Test
    void anEntryWithinTheRetentionIsKept() {
        Connection connection = connection("alice");
        ActivityClient.handOut(connection.id, 1);
        clock.advance(config.activity().retention().minus(Duration.ofMinutes(10)));

        purge.purge();

        assertThat(ActivityClient.entries(connection.userId, connection.id)).hasSize(1);
    }

    @Test
    void noEntryHoldsATokenAMessageBodyOrAFilesContent() throws SQLException {
        String access = secret("ya29.old");
        String refresh = secret("1//refresh");
        String refreshed = secret("ya29.new");
        String body = secret("the body of the mail");
        String fileContent = secret("the content of the file");
        Connection gmail = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com", access,
                refresh);
        Connection driveConnection = fixtures.create(gmail.userId, "google_drive", "alice@example.com", access, null);
        FakeOAuth.google(server).refreshes(refresh, refreshed, null,
                List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY));
        new FakeGoogleApis(server).gmailSends("msg-1", "thread-1");
        given().auth().oauth2(Tokens.forUser(gmail.userId)).contentType(ContentType.JSON)
                .body(Map.of("metadata", Map.of("show_mail_details", true)))
                .when().patch("/api/integrations/{id}", gmail.id).then().statusCode(200);

        given().auth().oauth2(Tokens.forUser(gmail.userId)).contentType(ContentType.JSON)
                .body(Map.of("connection_id", gmail.id.toString(), "to", List.of("bob@example.com"), "subject", "Hi",
                        "text", body))
                .when().post("/api/integrations/gmail/send").then().statusCode(200);
        given().auth().oauth2(Tokens.forUser(gmail.userId)).multiPart("connection_id", driveConnection.id.toString())
                .multiPart("file", "notes.txt", fileContent.getBytes(StandardCharsets.UTF_8), "text/plain")
                .when().post("/api/integrations/google_drive/files").then().statusCode(201);
        ActivityClient.handOut(gmail.id, 1);
        clock.advance(ConnectionFixtures.UNTIL_DUE.plusSeconds(1));
        scheduler.runOnce();

        assertThat(ActivityClient.all(gmail.userId, null, 100).extract().path("entries.kind").toString())
                .contains("gmail_sent", "drive_uploaded", "token_handed_out", "refreshed");
        DatabaseRows.assertNoPlaintext(dataSource, "connection_activity", "user_id", gmail.userId, access, refresh,
                refreshed, body, fileContent);
        assertThat(ActivityClient.all(gmail.userId, null, 100).extract().asString()).doesNotContain(access, refresh,
                refreshed, body, fileContent);
    }

    private Connection connection(String name) {
        return fixtures.create(ConnectionFixtures.newUser(name), "gmail", name + "@example.com", secret("ya29.a"),
                secret("1//r"));
    }
}
