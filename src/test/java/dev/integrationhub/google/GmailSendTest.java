package dev.integrationhub.google;

import static dev.integrationhub.testsupport.FakeGoogleApis.googleError;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.persistence.EntityManager;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import dev.integrationhub.audit.AuditEntry;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeGoogleApis;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.IssuedSecrets;
import dev.integrationhub.testsupport.Tokens;
import dev.integrationhub.testsupport.Webhooks;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Gmail send through the official client against a fake Gmail served over HTTP: the MIME that arrives, who may
 * send from which connection, at most once per Idempotency-Key, and what each refusal of Google becomes.
 */
@QuarkusTest
class GmailSendTest {

    private static final String ROLE = "integration-hub-token-reader";

    @FakeProviders.InjectServer
    WireMockServer server;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    EntityManager entityManager;

    FakeGoogleApis google;
    FakeOAuth oauth;

    @BeforeEach
    void fakes() {
        google = new FakeGoogleApis(server);
        oauth = FakeOAuth.google(server);
    }

    @Test
    void theMessageReachesGmailAsMimeFromTheConnectionsAccount() throws Exception {
        String access = secret("ya29.mail");
        Connection connection = gmail("alice", "alice@example.com", access);
        google.gmailSends("msg-1", "thread-1");
        String body = secretText("Hello from the hub");
        String html = "<p>" + body + "</p>";
        String attachment = secretText("attachment bytes");

        send(connection.userId, Map.of("to", List.of("\"Zoë Müller\" <zoe@example.com>"), "cc",
                List.of("carl@example.com"), "subject", "Grüße — résumé", "text", body, "html", html, "attachments",
                List.of(Map.of("filename", "notes.txt", "content_type", "text/plain", "content_base64",
                        base64(attachment)))))
                .statusCode(200).body("message_id", equalTo("msg-1")).body("thread_id", equalTo("thread-1"));

        var request = google.gmailRequests().getFirst();
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + access);
        assertThat(request.getHeader("Content-Type")).startsWith("message/rfc822");
        assertThat(request.queryParameter("uploadType").firstValue()).isEqualTo("media");
        MimeMessage sent = google.sentMessages().getFirst();
        assertThat(sent.getFrom()).extracting(Object::toString).containsExactly("alice@example.com");
        assertThat(sent.getRecipients(RecipientType.TO)[0].toString()).contains("zoe@example.com");
        assertThat(sent.getHeader("To", null)).contains("=?UTF-8?");
        assertThat(sent.getRecipients(RecipientType.CC)[0].toString()).isEqualTo("carl@example.com");
        assertThat(sent.getHeader("Subject", null)).startsWith("=?UTF-8?");
        assertThat(sent.getSubject()).isEqualTo("Grüße — résumé");
        Multipart mixed = (Multipart) sent.getContent();
        assertThat(sent.getContentType()).startsWith("multipart/mixed");
        Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
        assertThat(mixed.getBodyPart(0).getContentType()).startsWith("multipart/alternative");
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo(body);
        assertThat(alternative.getBodyPart(1).getContent()).isEqualTo(html);
        Part attached = mixed.getBodyPart(1);
        assertThat(attached.getFileName()).isEqualTo("notes.txt");
        assertThat(new String(attached.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(attachment);
    }

    @Test
    void withoutAConnectionIdTheOnlyGmailConnectionSends() {
        Connection connection = gmail("alice", "alice@example.com", secret("ya29.mail"));
        google.gmailSends("msg-2", "thread-2");

        send(connection.userId, mail()).statusCode(200).body("message_id", equalTo("msg-2"));
    }

    @Test
    void withSeveralGmailConnectionsAndNoIdTheChoiceIsAskedFor() {
        Connection work = gmail("alice", "alice@work.example", secret("ya29.work"));
        Connection home = fixtures.create(work.userId, "gmail", "alice@home.example", secret("ya29.home"),
                secret("1//home"));
        google.gmailSends("never", "never");

        send(work.userId, mail()).statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("connection_ambiguous"))
                .body("connections.id", hasItems(work.id.toString(), home.id.toString()))
                .body("connections.account", hasItems("alice@work.example", "alice@home.example"));
        assertThat(google.gmailRequests()).isEmpty();
    }

    @Test
    void anotherUsersConnectionIsNotFoundAndNothingIsSent() {
        Connection alices = gmail("alice", "alice@example.com", secret("ya29.mail"));
        google.gmailSends("never", "never");

        send(ConnectionFixtures.newUser("mallory"), withConnection(mail(), alices)).statusCode(404);
        assertThat(google.gmailRequests()).isEmpty();
    }

    @Test
    void headerInjectionIsRefusedAndNothingIsSent() {
        Connection connection = gmail("alice", "alice@example.com", secret("ya29.mail"));
        google.gmailSends("never", "never");

        send(connection.userId, Map.of("to", List.of("bob@example.com\r\nBcc: eve@example.com"), "subject",
                "Hi\r\nBcc: eve@example.com", "text", "x"))
                .statusCode(400).body("code", equalTo("validation_failed"))
                .body("errors.field", hasItems("to[0]", "subject"));
        assertThat(google.gmailRequests()).isEmpty();
    }

    @Test
    void aRepeatWithTheSameKeyAndBodyReturnsTheFirstResultAndSendsOnce() {
        Connection connection = gmail("alice", "alice@example.com", secret("ya29.mail"));
        google.gmailSends("msg-once", "thread-once");
        String key = UUID.randomUUID().toString();
        Map<String, Object> mail = mail();

        send(connection.userId, mail, key).statusCode(200).body("message_id", equalTo("msg-once"));
        google.gmailSends("msg-twice", "thread-twice");
        send(connection.userId, mail, key).statusCode(200).body("message_id", equalTo("msg-once"));

        assertThat(google.gmailRequests()).hasSize(1);
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefused() {
        Connection connection = gmail("alice", "alice@example.com", secret("ya29.mail"));
        google.gmailSends("msg-1", "thread-1");
        String key = UUID.randomUUID().toString();
        send(connection.userId, mail(), key).statusCode(200);

        send(connection.userId, Map.of("to", List.of("bob@example.com"), "subject", "Other", "text", "x"), key)
                .statusCode(422).body("code", equalTo("idempotency_key_reused"));
        assertThat(google.gmailRequests()).hasSize(1);
    }

    @Test
    void aRepeatWhileTheFirstIsStillSendingIsAConflict() {
        Connection connection = gmail("alice", "alice@example.com", secret("ya29.mail"));
        google.gmailAnswers(WireMock.okJson("{\"id\":\"slow\",\"threadId\":\"t\"}").withFixedDelay(1500));
        String key = UUID.randomUUID().toString();
        Map<String, Object> mail = mail();

        CompletableFuture<Integer> first = CompletableFuture
                .supplyAsync(() -> send(connection.userId, mail, key).extract().statusCode());
        awaitInProgress(key);
        send(connection.userId, mail, key).statusCode(409).body("code", equalTo("request_in_progress"));

        assertThat(first.join()).isEqualTo(200);
        assertThat(google.gmailRequests()).hasSize(1);
    }

    @Test
    void anUnknownOutcomeIsReportedAndNeverSentAgain() {
        Connection connection = gmail("alice", "alice@example.com", secret("ya29.mail"));
        google.gmailAnswers(WireMock.okJson("{\"id\":\"late\",\"threadId\":\"t\"}").withFixedDelay(4000));
        String key = UUID.randomUUID().toString();
        Map<String, Object> mail = mail();

        send(connection.userId, mail, key).statusCode(502).body("code", equalTo("outcome_unknown"));
        send(connection.userId, mail, key).statusCode(502).body("code", equalTo("outcome_unknown"));

        assertThat(google.gmailRequests()).hasSize(1);
    }

    @Test
    void aRefusedTokenIsRenewedOnceAndTheSendRepeatedOnce() {
        String stale = secret("ya29.stale");
        String refresh = secret("1//mail");
        String renewed = secret("ya29.renewed");
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com",
                stale, refresh);
        oauth.refreshes(refresh, renewed, null, List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY));
        google.gmailAnswers(googleError(401, "authError", "Invalid Credentials"));
        google.gmailAnswersToken(renewed, WireMock.okJson("{\"id\":\"msg-r\",\"threadId\":\"t\"}"));

        send(connection.userId, mail()).statusCode(200).body("message_id", equalTo("msg-r"));

        assertThat(google.gmailRequests()).extracting(r -> r.getHeader("Authorization"))
                .containsExactly("Bearer " + stale, "Bearer " + renewed);
        assertThat(oauth.refreshCallsWith(refresh)).isEqualTo(1);
    }

    @Test
    void aTokenRefusedAfterRenewalIsNotTriedAThirdTime() {
        String refresh = secret("1//mail");
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com",
                secret("ya29.stale"), refresh);
        oauth.refreshes(refresh, secret("ya29.renewed"), null, List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY));
        google.gmailAnswers(googleError(401, "authError", "Invalid Credentials"));

        send(connection.userId, mail()).statusCode(503).header("Retry-After", not(equalTo(null)));

        assertThat(google.gmailRequests()).hasSize(2);
    }

    @Test
    void aMissingScopeMakesTheConnectionNeedReauthorization() {
        Connection connection = gmail("alice", "alice@example.com", secret("ya29.mail"));
        google.gmailAnswers(googleError(403, "insufficientPermissions", "Request had insufficient authentication scopes."));

        send(connection.userId, mail()).statusCode(409).body("code", equalTo("reauth_required"))
                .body("detail", containsString(GMAIL_SEND));

        assertThat(fixtures.find(connection.id).status).isEqualTo(ConnectionStatus.NEEDS_REAUTH);
        assertThat(fixtures.find(connection.id).lastRefreshError).contains(GMAIL_SEND);
        Webhooks.awaitEvents(server, connection.id, List.of("connection.needs_reauth"));
    }

    @Test
    void aConnectionThatNeedsReauthorizationIsRefusedBeforeAnyCall() {
        Connection connection = gmail("alice", "alice@example.com", secret("ya29.mail"));
        fixtures.markNeedsReauth(connection.id);
        google.gmailSends("never", "never");

        send(connection.userId, mail()).statusCode(409).body("code", equalTo("reauth_required"));
        assertThat(google.gmailRequests()).isEmpty();
    }

    @Test
    void rateLimitsAreUnavailableWithGooglesRetryAfter() {
        Connection connection = gmail("alice", "alice@example.com", secret("ya29.mail"));
        google.gmailAnswers(googleError(429, "rateLimitExceeded", "Too many requests").withHeader("Retry-After", "7"));

        send(connection.userId, mail()).statusCode(503).body("code", equalTo("google_unavailable"))
                .header("Retry-After", "7");
    }

    @Test
    void aServerErrorIsUnavailableAndNotRetried() {
        Connection connection = gmail("alice", "alice@example.com", secret("ya29.mail"));
        google.gmailAnswers(googleError(500, "backendError", "Backend Error"));

        send(connection.userId, mail()).statusCode(503).body("code", equalTo("google_unavailable"))
                .header("Retry-After", not(equalTo(null)));
        assertThat(google.gmailRequests()).hasSize(1);
    }

    @Test
    void aKeyIsFreeAgainAfterGoogleRefusedTheSend() {
        Connection connection = gmail("alice", "alice@example.com", secret("ya29.mail"));
        google.gmailAnswers(googleError(500, "backendError", "Backend Error"));
        String key = UUID.randomUUID().toString();
        Map<String, Object> mail = mail();
        send(connection.userId, mail, key).statusCode(503);

        google.gmailSends("msg-later", "t");
        send(connection.userId, mail, key).statusCode(200).body("message_id", equalTo("msg-later"));
    }

    @Test
    void aBadRequestIsUnprocessableWithGooglesReasonButNotItsMessage() {
        Connection connection = gmail("alice", "alice@example.com", secret("ya29.mail"));
        google.gmailAnswers(googleError(400, "invalidArgument", "Invalid To header: bob@example.com"));

        String problem = send(connection.userId, mail()).statusCode(422).body("code", equalTo("google_rejected"))
                .body("detail", containsString("invalidArgument")).extract().asString();
        assertThat(problem).doesNotContain("Invalid To header");
    }

    @Test
    void aPlatformServiceSendsFromANamedConnectionAndIsAuditedWithoutContent() {
        Connection connection = gmail("alice", "alice@example.com", secret("ya29.mail"));
        google.gmailSends("msg-svc", "t");

        given().auth().oauth2(Tokens.forService("workflow-engine", ROLE)).header("Idempotency-Key", UUID.randomUUID())
                .contentType("application/json").body(withConnection(mail(), connection))
                .when().post("/api/integrations/gmail/send").then().statusCode(200);

        AuditEntry entry = QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("from AuditEntry where connectionId = ?1 and action = 'action.gmail_send'", AuditEntry.class)
                .setParameter(1, connection.id).getSingleResult());
        assertThat(entry.actor).isEqualTo("workflow-engine");
        assertThat(entry.detail).containsEntry("client_id", "workflow-engine").containsEntry("message_id", "msg-svc")
                .containsKeys("size", "recipients").doesNotContainKeys("subject", "to", "text");
    }

    @Test
    void aPlatformServiceMustSendAnIdempotencyKey() {
        Connection connection = gmail("alice", "alice@example.com", secret("ya29.mail"));
        google.gmailSends("never", "never");

        given().auth().oauth2(Tokens.forService("workflow-engine", ROLE)).contentType("application/json")
                .body(withConnection(mail(), connection)).when().post("/api/integrations/gmail/send")
                .then().statusCode(400).body("code", equalTo("idempotency_key_required"));
        assertThat(google.gmailRequests()).isEmpty();
    }

    @Test
    void aPlatformServiceMustNameTheConnection() {
        gmail("alice", "alice@example.com", secret("ya29.mail"));

        given().auth().oauth2(Tokens.forService("workflow-engine", ROLE)).header("Idempotency-Key", "k-1")
                .contentType("application/json").body(mail()).when().post("/api/integrations/gmail/send")
                .then().statusCode(400).body("errors.field", hasItems("connection_id"));
    }

    private Connection gmail(String user, String email, String accessToken) {
        return fixtures.create(ConnectionFixtures.newUser(user), "gmail", email, accessToken, secret("1//mail"));
    }

    private static Map<String, Object> mail() {
        return Map.of("to", List.of("bob@example.com"), "subject", "Status", "text", secretText("The report"));
    }

    private static Map<String, Object> withConnection(Map<String, Object> mail, Connection connection) {
        Map<String, Object> named = new HashMap<>(mail);
        named.put("connection_id", connection.id.toString());
        return named;
    }

    /** Message content, recorded so that the log hygiene check fails if it ever reaches a log line. */
    private static String secretText(String text) {
        String content = text + " " + UUID.randomUUID();
        IssuedSecrets.record(content);
        return content;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static ValidatableResponse send(String userId, Map<String, Object> body) {
        return given().auth().oauth2(Tokens.forUser(userId)).contentType("application/json").body(body)
                .when().post("/api/integrations/gmail/send").then();
    }

    private static ValidatableResponse send(String userId, Map<String, Object> body, String key) {
        return given().auth().oauth2(Tokens.forUser(userId)).header("Idempotency-Key", key)
                .contentType("application/json").body(body).when().post("/api/integrations/gmail/send").then();
    }

    private void awaitInProgress(String key) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> entityManager.createNativeQuery(
                        "select count(*) from idempotency_keys where idem_key = ?1 and state = 'in_progress'")
                        .setParameter(1, key).getSingleResult())
                .toString().equals("1"));
    }
}
