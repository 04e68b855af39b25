package dev.integrationhub.activity;

import static dev.integrationhub.activity.ActivityClient.details;
import static dev.integrationhub.activity.ActivityClient.detailsOf;
import static dev.integrationhub.activity.ActivityClient.entries;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import dev.integrationhub.connection.Connection;
import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeDrive;
import dev.integrationhub.testsupport.FakeGoogleApis;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.FakeTelegram;
import dev.integrationhub.testsupport.TelegramUpdates;
import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.testsupport.Tokens;
import dev.integrationhub.token.RefreshScheduler;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Each kind of activity entry appears after the action that causes it, with the actor and details the owner may
 * see: the person's own actions as {@code you}, a platform service's by its client id, the hub's own as {@code hub}.
 */
@QuarkusTest
class ActivityKindsTest {

    private static final List<String> SCOPES = List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY);

    @FakeProviders.InjectServer
    WireMockServer server;

    @FakeProviders.InjectServer
    FakeDrive drive;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    RefreshScheduler scheduler;

    @Inject
    TestClock clock;

    FakeOAuth google;
    FakeGoogleApis googleApis;

    @BeforeEach
    void fakes() {
        google = FakeOAuth.google(server);
        googleApis = new FakeGoogleApis(server);
    }

    @Test
    void connectingShowsConnectedByYouAndConnectingAgainShowsRenewed() {
        String user = ConnectionFixtures.newUser("alice");
        String subject = "sub-" + UUID.randomUUID();
        new Browser(user).connectAccount(google, "gmail", secret("4/code"), secret("ya29.a"), secret("1//r"), SCOPES,
                subject, "alice@example.com");
        UUID id = fixtures.findByAccount(user, subject).id;

        new Browser(user).connectAccount(google, "gmail", secret("4/code"), secret("ya29.b"), secret("1//r2"), SCOPES,
                subject, "alice@example.com");

        List<Map<String, Object>> entries = entries(user, id);
        assertThat(entries).extracting(entry -> entry.get("kind")).containsExactly("renewed", "connected");
        assertThat(entries).extracting(entry -> entry.get("actor")).containsOnly("you");
        assertThat(entries.getLast().get("at")).isNotNull();
        assertThat(entries.getLast().get("summary")).isEqualTo("Connected");
    }

    @Test
    void aScheduledRefreshShowsRefreshedByTheHub() {
        Connection connection = refreshable("alice");

        refreshNow(connection);

        Map<String, Object> entry = entries(connection.userId, connection.id, "refreshed").getFirst();
        assertThat(entry.get("actor")).isEqualTo("hub");
        assertThat(detailsOf(entry)).containsEntry("count", 1);
        assertThat(entry.get("summary")).isEqualTo("Access token refreshed once");
    }

    @Test
    void refreshesOfOneDayCollapseIntoOneEntryCountingThem() {
        Instant now = clock.instant();
        clock.advance(Duration.between(now, now.truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS)).plusMinutes(1));
        Connection connection = refreshable("alice");

        refreshNow(connection);
        refreshNow(connection);
        refreshNow(connection);

        List<Map<String, Object>> refreshed = entries(connection.userId, connection.id, "refreshed");
        assertThat(refreshed).hasSize(1);
        assertThat(detailsOf(refreshed.getFirst())).containsEntry("count", 3);
        assertThat(refreshed.getFirst().get("summary")).isEqualTo("Access token refreshed 3 times");
    }

    @Test
    void aRefreshOnTheNextDayStartsAnotherEntry() {
        Instant now = clock.instant();
        clock.advance(Duration.between(now, now.truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS)).plusMinutes(1));
        Connection connection = refreshable("alice");
        refreshNow(connection);
        refreshNow(connection);

        clock.advance(Duration.ofDays(1));
        refreshNow(connection);

        assertThat(entries(connection.userId, connection.id, "refreshed"))
                .extracting(entry -> (detailsOf(entry)).get("count")).containsExactly(1, 2);
    }

    @Test
    void aTokenHandedOutToAServiceShowsItsClientId() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com",
                secret("ya29.a"), secret("1//r"));

        ActivityClient.handOut(connection.id, 1);

        Map<String, Object> entry = entries(connection.userId, connection.id, "token_handed_out").getFirst();
        assertThat(entry.get("actor")).isEqualTo("workflow-engine");
        assertThat(detailsOf(entry)).containsOnlyKeys("expires_at");
    }

    @Test
    void aSentMailShowsOnlyTheRecipientCountAndMessageIdByDefault() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com",
                secret("ya29.a"), secret("1//r"));
        googleApis.gmailSends("msg-default", "thread-1");

        sendMail(connection.userId, "Quarterly figures");

        Map<String, Object> entry = entries(connection.userId, connection.id, "gmail_sent").getFirst();
        assertThat(entry.get("actor")).isEqualTo("you");
        assertThat(detailsOf(entry)).containsOnly(Map.entry("recipient_count", 2),
                Map.entry("message_id", "msg-default"));
        assertThat(entry.get("summary")).isEqualTo("Mail sent to 2 recipients");
    }

    @Test
    void aSentMailShowsRecipientsAndSubjectWhenTheOwnerChoseToShowThem() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com",
                secret("ya29.a"), secret("1//r"));
        googleApis.gmailSends("msg-shown", "thread-1");
        showMailDetails(connection, true).statusCode(200);

        sendMail(connection.userId, "Quarterly figures");

        assertThat(details(connection.userId, connection.id, "gmail_sent"))
                .containsEntry("recipients", List.of("bob@example.com", "carl@example.com"))
                .containsEntry("subject", "Quarterly figures").containsEntry("message_id", "msg-shown");
    }

    @Test
    void hidingMailDetailsAgainDropsTheRecipientsAndSubjectKeptSoFar() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com",
                secret("ya29.a"), secret("1//r"));
        googleApis.gmailSends("msg-hidden", "thread-1");
        showMailDetails(connection, true).statusCode(200);
        sendMail(connection.userId, "Quarterly figures");

        showMailDetails(connection, false).statusCode(200);

        assertThat(details(connection.userId, connection.id, "gmail_sent")).containsOnlyKeys("recipient_count",
                "message_id");
    }

    @Test
    void anUploadShowsTheFilesNameSizeAndId() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "google_drive", "alice@example.com",
                secret("ya29.drive"), secret("1//drive"));

        given().auth().oauth2(Tokens.forUser(connection.userId)).multiPart("file", "report.txt",
                "quarterly figures".getBytes(StandardCharsets.UTF_8), "text/plain")
                .when().post("/api/integrations/google_drive/files").then().statusCode(201);

        assertThat(details(connection.userId, connection.id, "drive_uploaded")).containsOnly(
                Map.entry("file_name", "report.txt"), Map.entry("size", 17),
                Map.entry("file_id", drive.uploads().getLast().fileId()));
    }

    @Test
    void aTelegramSendShowsTheMessagesSent() {
        FakeTelegram telegram = new FakeTelegram(server);
        telegram.acceptsMessages();
        String user = ConnectionFixtures.newUser("alice");
        UUID id = TelegramUpdates.connect(user, 7770001L, 7770002L, "alice_tg");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !telegram.sentMessages().isEmpty());

        given().auth().oauth2(Tokens.forUser(user)).contentType(ContentType.JSON).body(Map.of("text", "Report ready"))
                .when().post("/api/integrations/telegram/send").then().statusCode(200);

        assertThat(entries(user, id)).extracting(entry -> entry.get("kind")).containsExactly("telegram_sent",
                "connected");
        assertThat(details(user, id, "telegram_sent")).containsEntry("messages", 1).containsKey("message_ids");
    }

    @Test
    void aRefreshRefusedWithInvalidGrantShowsNeedsReauthWithTheReason() {
        String refresh = secret("1//dead");
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com",
                secret("ya29.a"), refresh);
        google.answersRefresh(refresh, WireMock.aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_grant\"}"));
        clock.advance(ConnectionFixtures.UNTIL_DUE.plusSeconds(1));

        scheduler.runOnce();

        Map<String, Object> entry = entries(connection.userId, connection.id, "needs_reauth").getFirst();
        assertThat(entry.get("actor")).isEqualTo("hub");
        assertThat((String) (detailsOf(entry)).get("reason")).contains("invalid_grant");
    }

    @Test
    void reconnectingANeedsReauthConnectionShowsRenewedAndRecovered() {
        String user = ConnectionFixtures.newUser("alice");
        String subject = "sub-" + UUID.randomUUID();
        new Browser(user).connectAccount(google, "gmail", secret("4/code"), secret("ya29.a"), secret("1//r"), SCOPES,
                subject, "alice@example.com");
        UUID id = fixtures.findByAccount(user, subject).id;
        fixtures.markNeedsReauth(id);

        new Browser(user).connectAccount(google, "gmail", secret("4/code"), secret("ya29.b"), secret("1//r2"), SCOPES,
                subject, "alice@example.com");

        assertThat(entries(user, id)).extracting(entry -> entry.get("kind")).containsExactly("renewed", "recovered",
                "connected");
    }

    @Test
    void disconnectingShowsDisconnectedAndThenRevokedOnceTheProviderConfirms() {
        String user = ConnectionFixtures.newUser("alice");
        String subject = "sub-" + UUID.randomUUID();
        new Browser(user).connectAccount(google, "gmail", secret("4/code"), secret("ya29.a"), secret("1//r"), SCOPES,
                subject, "alice@example.com");
        UUID id = fixtures.findByAccount(user, subject).id;
        google.revocationAnswers(200);

        given().auth().oauth2(Tokens.forUser(user)).when().delete("/api/integrations/{id}", id).then().statusCode(204);

        List<Map<String, Object>> entries = entries(user, id);
        assertThat(entries).extracting(entry -> entry.get("kind")).containsExactly("revoked", "disconnected",
                "connected");
        assertThat(entries.get(0).get("actor")).isEqualTo("hub");
        assertThat(detailsOf(entries.get(1))).containsEntry("provider_revocation", "queued");
    }

    @Test
    void aDisconnectWhoseRevocationFailsShowsNoRevokedEntry() {
        String user = ConnectionFixtures.newUser("alice");
        String subject = "sub-" + UUID.randomUUID();
        new Browser(user).connectAccount(google, "gmail", secret("4/code"), secret("ya29.a"), secret("1//r"), SCOPES,
                subject, "alice@example.com");
        UUID id = fixtures.findByAccount(user, subject).id;
        google.revocationAnswers(503);

        given().auth().oauth2(Tokens.forUser(user)).when().delete("/api/integrations/{id}", id).then().statusCode(204);

        assertThat(entries(user, id)).extracting(entry -> entry.get("kind")).containsExactly("disconnected",
                "connected");
    }

    private Connection refreshable(String name) {
        String refresh = secret("1//refresh");
        Connection connection = fixtures.create(ConnectionFixtures.newUser(name), "gmail", name + "@example.com",
                secret("ya29.old"), refresh);
        google.refreshes(refresh, secret("ya29.new"), null, SCOPES);
        return connection;
    }

    /** Lets the grant fall due and runs the scheduler once. */
    private void refreshNow(Connection connection) {
        Instant due = fixtures.find(connection.id).refreshDueAt;
        if (due.isAfter(clock.instant())) {
            clock.advance(Duration.between(clock.instant(), due).plusSeconds(1));
        }
        scheduler.runOnce();
        assertThat(fixtures.find(connection.id).refreshDueAt).isAfter(due);
    }

    private static ValidatableResponse showMailDetails(Connection connection, boolean show) {
        return given().auth().oauth2(Tokens.forUser(connection.userId)).contentType(ContentType.JSON)
                .body(Map.of("metadata", Map.of("show_mail_details", show)))
                .when().patch("/api/integrations/{id}", connection.id).then();
    }

    private static void sendMail(String user, String subject) {
        given().auth().oauth2(Tokens.forUser(user)).contentType(ContentType.JSON)
                .body(Map.of("to", List.of("bob@example.com"), "cc", List.of("carl@example.com"), "subject", subject,
                        "text", "the figures themselves"))
                .when().post("/api/integrations/gmail/send").then().statusCode(200);
    }
}
