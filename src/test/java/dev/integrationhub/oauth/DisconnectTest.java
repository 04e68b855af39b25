package dev.integrationhub.oauth;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.audit.AuditEntry;
import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.connection.service.GrantRevoker;
import dev.integrationhub.event.OutboxItem;
import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Disconnecting revokes the grant at the provider (RFC 7009) and destroys its tokens at once; a revocation the
 * provider cannot take now waits, encrypted, in the outbox and is retried (its backoff passes by moving the
 * {@link TestClock}). Only the owner can disconnect, and a grant shared by two connections is not revoked.
 */
@QuarkusTest
class DisconnectTest {

    private static final List<String> SCOPES = List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY);

    @FakeProviders.InjectServer
    WireMockServer providerServer;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    EntityManager entityManager;

    @Inject
    TestClock clock;

    @Inject
    HubConfig config;

    FakeOAuth google;

    @BeforeEach
    void stubs() {
        google = FakeOAuth.google(providerServer);
    }

    @Test
    void disconnectRevokesTheRefreshTokenAtTheProvider() {
        Disconnected disconnected = disconnectWhileTheProviderAnswers(200);

        assertThat(google.revocationsOf(disconnected.refresh())).singleElement()
                .satisfies(form -> assertThat(form).containsEntry("token_type_hint", "refresh_token")
                        .containsEntry("client_id", FakeProviders.GOOGLE_CLIENT_ID));
    }

    @Test
    void disconnectDestroysTheGrant() {
        Disconnected disconnected = disconnectWhileTheProviderAnswers(200);

        assertDestroyed(disconnected.user(), disconnected.id());
    }

    @Test
    void aDeliveredRevocationKeepsNoSecret() {
        Disconnected disconnected = disconnectWhileTheProviderAnswers(200);

        assertThat(item(disconnected.id()).outcome).isEqualTo("delivered");
        assertThat(item(disconnected.id()).secretCiphertext).isNull();
    }

    @Test
    void theAuditTrailRecordsTheConnectionsWholeLife() {
        Disconnected disconnected = disconnectWhileTheProviderAnswers(200);

        assertThat(QuarkusTransaction.requiringNew()
                .call(() -> entityManager
                        .createQuery("from AuditEntry where connectionId = ?1 order by id", AuditEntry.class)
                        .setParameter(1, disconnected.id()).getResultList()))
                .extracting(entry -> entry.action).containsExactly("connection.connected", "connection.disconnected");
    }

    @Test
    void aDisconnectedConnectionIsNotFoundForAnotherDisconnect() {
        Disconnected disconnected = disconnectWhileTheProviderAnswers(200);

        given().auth().oauth2(Tokens.forUser(disconnected.user())).when()
                .delete("/api/integrations/{id}", disconnected.id()).then().statusCode(404);
    }

    @Test
    void whenTheProviderIsDownTheGrantIsDestroyedAnyway() {
        Disconnected disconnected = disconnectWhileTheProviderAnswers(503);

        assertDestroyed(disconnected.user(), disconnected.id());
    }

    @Test
    void whenTheProviderIsDownTheRevocationWaitsWithItsTokenEncrypted() {
        Disconnected disconnected = disconnectWhileTheProviderAnswers(503);

        OutboxItem pending = item(disconnected.id());
        assertThat(pending.outcome).isNull();
        assertThat(pending.secretCiphertext).as("kept, encrypted, for the retry").isNotNull();
        assertThat(new String(pending.secretCiphertext, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(disconnected.refresh());
        assertThat(pending.lastError).contains("HTTP 503").doesNotContain(disconnected.refresh());
    }

    @Test
    void aRevocationIsRetriedUntilTheProviderTakesIt() {
        Disconnected disconnected = disconnectWhileTheProviderAnswers(503);

        google.revocationAnswers(200);
        clock.advance(config.outbox().maxBackoff().plusSeconds(1));

        UUID id = disconnected.id();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(item(id).outcome).isEqualTo("delivered"));
        assertThat(google.revocationsOf(disconnected.refresh()).size()).isGreaterThanOrEqualTo(2);
        assertThat(item(id).secretCiphertext).isNull();
    }

    @Test
    void anotherUsersConnectionCannotBeDisconnected() {
        String user = ConnectionFixtures.newUser("alice");
        UUID id = connect(user, secret("1//refresh"), "sub-" + UUID.randomUUID());

        given().auth().oauth2(Tokens.forUser(ConnectionFixtures.newUser("mallory")))
                .when().delete("/api/integrations/{id}", id).then().statusCode(404);

        assertThat(fixtures.find(id).status).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(fixtures.find(id).refreshTokenCiphertext).isNotNull();
    }

    @Test
    void disconnectingOneOfTwoConnectionsOfOneGoogleAccountKeepsTheOthersGrant() {
        String user = ConnectionFixtures.newUser("alice");
        String subject = "sub-" + UUID.randomUUID();
        String gmailRefresh = secret("1//gmail");
        UUID gmail = connect(user, gmailRefresh, subject);
        Browser browser = new Browser(user);
        browser.connectAccount(google, "google_drive", secret("4/code"), secret("ya29.d"), secret("1//drive"),
                List.of("openid", "email", FakeOAuth.DRIVE_FILE), subject, "alice@example.com");

        given().auth().oauth2(Tokens.forUser(user)).when().delete("/api/integrations/{id}", gmail).then().statusCode(204);

        assertThat(google.revocationsOf(gmailRefresh)).as("revoking would also end the Drive grant").isEmpty();
        given().auth().oauth2(Tokens.forUser(user)).when().get("/api/integrations").then().body("", hasSize(1));
    }

    @Test
    void reconnectingADisconnectedAccountRevivesItsConnection() {
        String user = ConnectionFixtures.newUser("alice");
        String subject = "sub-" + UUID.randomUUID();
        UUID id = connect(user, secret("1//first"), subject);
        google.revocationAnswers(200);
        given().auth().oauth2(Tokens.forUser(user)).when().delete("/api/integrations/{id}", id).then().statusCode(204);

        UUID again = connect(user, secret("1//second"), subject);

        assertThat(again).isEqualTo(id);
        assertThat(fixtures.find(id).status).isEqualTo(ConnectionStatus.ACTIVE);
    }

    private record Disconnected(String user, String refresh, UUID id) {
    }

    /** A person connects a Gmail account and disconnects it while the revocation endpoint answers {@code status}. */
    private Disconnected disconnectWhileTheProviderAnswers(int status) {
        String user = ConnectionFixtures.newUser("alice");
        String refresh = secret("1//refresh");
        UUID id = connect(user, refresh, "sub-" + UUID.randomUUID());
        google.revocationAnswers(status);

        given().auth().oauth2(Tokens.forUser(user)).when().delete("/api/integrations/{id}", id)
                .then().statusCode(204);
        return new Disconnected(user, refresh, id);
    }

    private UUID connect(String user, String refresh, String subject) {
        new Browser(user).connectAccount(google, "gmail", secret("4/code"), secret("ya29.a"), refresh, SCOPES, subject,
                "alice@example.com");
        return fixtures.findByAccount(user, subject).id;
    }

    private void assertDestroyed(String user, UUID id) {
        Connection connection = fixtures.find(id);
        assertThat(connection.status).isEqualTo(ConnectionStatus.REVOKED);
        assertThat(connection.accessTokenCiphertext).isNull();
        assertThat(connection.refreshTokenCiphertext).isNull();
        given().auth().oauth2(Tokens.forUser(user)).when().get("/api/integrations/{id}", id).then().statusCode(404);
        given().auth().oauth2(Tokens.forUser(user)).when().get("/api/integrations").then().body("", hasSize(0));
    }

    private OutboxItem item(UUID connectionId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> entityManager
                        .createQuery("from OutboxItem where connectionId = ?1 and kind = ?2", OutboxItem.class)
                        .setParameter(1, connectionId).setParameter(2, GrantRevoker.KIND).getSingleResult());
    }
}
