package dev.integrationhub.token.rest;

import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.audit.AuditEntry;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The internal token API: a platform service with the token-reader role gets a usable access token (never the
 * refresh token), and the hand-out is audited; anyone else, and any unusable connection, gets a problem.
 */
@QuarkusTest
class InternalTokenApiTest {

    private static final String ROLE = "integration-hub-token-reader";

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    EntityManager entityManager;

    @Inject
    TestClock clock;

    @FakeProviders.InjectServer
    WireMockServer providerServer;

    @Test
    void aServiceWithTheRoleGetsAValidAccessTokenButNeverTheRefreshToken() {
        String access = secret("ya29.internal");
        String refresh = secret("1//internal");
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com", access,
                refresh);

        String body = given().auth().oauth2(Tokens.forService("workflow-engine", ROLE))
                .when().post("/api/internal/connections/{id}/access-token", connection.id)
                .then().statusCode(200)
                .body("access_token", equalTo(access))
                .body("account", equalTo("alice@example.com"))
                .body("$", hasKey("expires_at"))
                .body("$", not(hasKey("refresh_token")))
                .extract().asString();
        assertThat(body).doesNotContain(refresh);
    }

    @Test
    void aHandedOutTokenIsAuditedWithTheCallingService() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com",
                secret("ya29.internal"), secret("1//internal"));

        given().auth().oauth2(Tokens.forService("workflow-engine", ROLE))
                .when().post("/api/internal/connections/{id}/access-token", connection.id).then().statusCode(200);

        List<AuditEntry> trail = QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("from AuditEntry where connectionId = ?1 and action = ?2", AuditEntry.class)
                .setParameter(1, connection.id).setParameter(2, "token.handed_out").getResultList());
        assertThat(trail).singleElement().satisfies(entry -> assertThat(entry.actor).isEqualTo("workflow-engine"));
    }

    @Test
    void aTokenRefreshedForItsHandOutIsTheNewOneAndAuditedOnce() {
        String refresh = secret("1//internal");
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com",
                secret("ya29.expiring"), refresh);
        String fresh = secret("ya29.fresh");
        FakeOAuth.google(providerServer).refreshes(refresh, fresh, null,
                List.of("openid", "email", FakeOAuth.GMAIL_SEND, FakeOAuth.GMAIL_READONLY));
        clock.advance(ConnectionFixtures.TOKEN_LIFETIME.minusSeconds(30)); // within the minute a token must last

        String expiresAt = given().auth().oauth2(Tokens.forService("workflow-engine", ROLE))
                .when().post("/api/internal/connections/{id}/access-token", connection.id)
                .then().statusCode(200).body("access_token", equalTo(fresh))
                .extract().path("expires_at");

        List<AuditEntry> trail = QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("from AuditEntry where connectionId = ?1 and action = ?2", AuditEntry.class)
                .setParameter(1, connection.id).setParameter(2, "token.handed_out").getResultList());
        assertThat(trail).singleElement()
                .satisfies(entry -> assertThat(Instant.parse((String) entry.detail.get("expires_at")))
                        .isEqualTo(Instant.parse(expiresAt)));
    }

    @Test
    void aCallerWithoutTheRoleIsForbidden() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "a@example.com",
                secret("ya29.x"), secret("1//x"));

        given().auth().oauth2(Tokens.forUser(connection.userId))
                .when().post("/api/internal/connections/{id}/access-token", connection.id)
                .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"));
    }

    @Test
    void aHandedOutTokenMayNotBeCached() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com",
                secret("ya29.internal"), secret("1//internal"));

        given().auth().oauth2(Tokens.forService("workflow-engine", ROLE))
                .when().post("/api/internal/connections/{id}/access-token", connection.id)
                .then().statusCode(200).header("Cache-Control", "no-store");
    }

    @Test
    void aRefusedCallIsAudited() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "a@example.com",
                secret("ya29.x"), secret("1//x"));

        given().auth().oauth2(Tokens.forUser(connection.userId))
                .when().post("/api/internal/connections/{id}/access-token", connection.id).then().statusCode(403);

        List<AuditEntry> trail = QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("from AuditEntry where connectionId = ?1 and action = ?2", AuditEntry.class)
                .setParameter(1, connection.id).setParameter(2, "token.refused").getResultList());
        assertThat(trail).singleElement().satisfies(entry -> assertThat(entry.actor).isEqualTo(connection.userId));
    }

    @Test
    void aServiceWithTheRoleButOutsideTheAllowedClientsIsForbidden() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "a@example.com",
                secret("ya29.x"), secret("1//x"));

        given().auth().oauth2(Tokens.forService("unlisted-service", ROLE))
                .when().post("/api/internal/connections/{id}/access-token", connection.id)
                .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"));
    }

    @Test
    void aCallFromAClientOutsideTheAllowlistIsAuditedAsRefused() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "a@example.com",
                secret("ya29.x"), secret("1//x"));

        given().auth().oauth2(Tokens.forService("unlisted-service", ROLE))
                .when().post("/api/internal/connections/{id}/access-token", connection.id).then().statusCode(403);

        List<AuditEntry> trail = QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("from AuditEntry where connectionId = ?1 and action = ?2", AuditEntry.class)
                .setParameter(1, connection.id).setParameter(2, "token.refused").getResultList());
        assertThat(trail).singleElement().satisfies(entry -> assertThat(entry.detail)
                .containsEntry("reason", "client_not_allowed"));
    }

    @Test
    void aCallerWithoutABearerTokenIsUnauthorized() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "a@example.com",
                secret("ya29.x"), secret("1//x"));

        given().when().post("/api/internal/connections/{id}/access-token", connection.id).then().statusCode(401);
    }

    @Test
    void aGrantThatNeedsReauthAnswers409() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "a@example.com",
                secret("ya29.x"), secret("1//x"));
        fixtures.markNeedsReauth(connection.id);

        given().auth().oauth2(Tokens.forService("workflow-engine", ROLE))
                .when().post("/api/internal/connections/{id}/access-token", connection.id)
                .then().statusCode(409).contentType("application/problem+json").body("code", equalTo("reauth_required"));
    }

    @Test
    void anUnknownConnectionIsNotFound() {
        given().auth().oauth2(Tokens.forService("workflow-engine", ROLE))
                .when().post("/api/internal/connections/{id}/access-token", java.util.UUID.randomUUID())
                .then().statusCode(404);
    }

    @Test
    void aMalformedConnectionIdIsABadRequest() {
        given().auth().oauth2(Tokens.forService("workflow-engine", ROLE))
                .when().post("/api/internal/connections/{id}/access-token", "nope")
                .then().statusCode(400).body("code", equalTo("invalid_connection_id"));
    }
}
