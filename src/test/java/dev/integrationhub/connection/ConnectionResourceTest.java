package dev.integrationhub.connection;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import dev.integrationhub.audit.AuditEntry;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
class ConnectionResourceTest {

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    EntityManager entityManager;

    @Test
    void aNewUserHasNoConnections() {
        given().auth().oauth2(Tokens.forUser(ConnectionFixtures.newUser("newcomer")))
                .when().get("/api/integrations")
                .then().statusCode(200).contentType(ContentType.JSON).body("", hasSize(0));
    }

    @Test
    void eachUserSeesOnlyTheirOwnConnectionsAndNeverATokenOfThem() {
        String alice = ConnectionFixtures.newUser("alice");
        String bob = ConnectionFixtures.newUser("bob");
        Connection work = fixtures.create(alice, "gmail", "alice@work.example", "alice-access-1", "alice-refresh-1");
        Connection drive = fixtures.create(alice, "google_drive", "alice@home.example", "alice-access-2",
                "alice-refresh-2");
        Connection bobs = fixtures.create(bob, "gmail", "bob@example.com", "bob-access", "bob-refresh");

        Response response = given().auth().oauth2(Tokens.forUser(alice))
                .when().get("/api/integrations");

        response.then().statusCode(200)
                .body("id", contains(work.id.toString(), drive.id.toString()))
                .body("integration_type", contains("gmail", "google_drive"))
                .body("account", contains("alice@work.example", "alice@home.example"))
                .body("[0].provider", equalTo("google"))
                .body("[0].status", equalTo("active"))
                .body("[0].granted_scopes", containsInAnyOrder("openid", "email",
                        "https://www.googleapis.com/auth/gmail.send"))
                .body("[0].expires_at", equalTo(fixtures.find(work.id).tokenExpiresAt.toString()))
                .body("[0].last_refreshed_at", nullValue())
                .body("[0].metadata.size()", equalTo(0));
        String body = response.asString();
        assertThat(body).doesNotContain("alice-access", "alice-refresh", "bob", bobs.id.toString(), "ciphertext",
                "token\"");

        given().auth().oauth2(Tokens.forUser(bob))
                .when().get("/api/integrations")
                .then().statusCode(200).body("id", contains(bobs.id.toString()));
    }

    @Test
    void oneConnectionIsReadableByItsOwnerOnly() {
        String alice = ConnectionFixtures.newUser("alice");
        Connection connection = fixtures.create(alice, "gmail", "alice@example.com", "access-x", "refresh-x");

        given().auth().oauth2(Tokens.forUser(alice))
                .when().get("/api/integrations/{id}", connection.id)
                .then().statusCode(200).body("id", equalTo(connection.id.toString()))
                .body("account", equalTo("alice@example.com"));

        given().auth().oauth2(Tokens.forUser(ConnectionFixtures.newUser("mallory")))
                .when().get("/api/integrations/{id}", connection.id)
                .then().statusCode(404).contentType("application/problem+json")
                .body("code", equalTo("not_found"));
    }

    @Test
    void anAbsentConnectionIsNotFoundAndAMalformedIdIsABadRequest() {
        String token = Tokens.forUser(ConnectionFixtures.newUser("alice"));
        given().auth().oauth2(token).when().get("/api/integrations/{id}", UUID.randomUUID())
                .then().statusCode(404).body("code", equalTo("not_found"));
        for (String malformed : List.of("42", "not-a-uuid", "1-1-1-1-1", UUID.randomUUID() + "0")) {
            given().auth().oauth2(token).when().get("/api/integrations/{id}", malformed)
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("code", equalTo("invalid_connection_id"));
        }
    }

    @Test
    void theOwnerSetsAndRemovesTheTelegramDefaultChatAndItIsAudited() {
        String alice = ConnectionFixtures.newUser("alice");
        Connection telegram = fixtures.create(alice, "telegram", null, "bot-scoped-token", null);

        given().auth().oauth2(Tokens.forUser(alice)).contentType(ContentType.JSON)
                .body("{\"metadata\":{\"default_chat_id\":\"-1001234567890\"}}")
                .when().patch("/api/integrations/{id}", telegram.id)
                .then().statusCode(200).body("metadata.default_chat_id", equalTo("-1001234567890"));
        assertThat(fixtures.find(telegram.id).metadata).containsEntry("default_chat_id", "-1001234567890");

        given().auth().oauth2(Tokens.forUser(alice)).contentType(ContentType.JSON)
                .body("{\"metadata\":{\"default_chat_id\":null}}")
                .when().patch("/api/integrations/{id}", telegram.id)
                .then().statusCode(200).body("metadata.size()", equalTo(0));
        assertThat(fixtures.find(telegram.id).metadata).doesNotContainKey("default_chat_id");

        List<AuditEntry> trail = QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("from AuditEntry where connectionId = ?1 order by id", AuditEntry.class)
                .setParameter(1, telegram.id).getResultList());
        assertThat(trail).hasSize(2).allSatisfy(entry -> {
            assertThat(entry.actor).isEqualTo(alice);
            assertThat(entry.action).isEqualTo("connection.metadata_updated");
        });
    }

    @Test
    void metadataIsValidatedAndOnlyTheOwnerMayChangeIt() {
        String alice = ConnectionFixtures.newUser("alice");
        Connection telegram = fixtures.create(alice, "telegram", null, "t", null);
        Connection gmail = fixtures.create(alice, "gmail", "alice@example.com", "a", "r");

        given().auth().oauth2(Tokens.forUser(alice)).contentType(ContentType.JSON)
                .body("{\"metadata\":{\"default_chat_id\":\"12; drop table\"}}")
                .when().patch("/api/integrations/{id}", telegram.id)
                .then().statusCode(400).body("code", equalTo("validation_failed"))
                .body("errors[0].field", equalTo("metadata.default_chat_id"));

        given().auth().oauth2(Tokens.forUser(alice)).contentType(ContentType.JSON)
                .body("{\"metadata\":{\"default_chat_id\":\"@mychannel\"}}")
                .when().patch("/api/integrations/{id}", gmail.id)
                .then().statusCode(400).body("code", equalTo("metadata_not_applicable"));

        given().auth().oauth2(Tokens.forUser(ConnectionFixtures.newUser("mallory"))).contentType(ContentType.JSON)
                .body("{\"metadata\":{\"default_chat_id\":\"@mychannel\"}}")
                .when().patch("/api/integrations/{id}", telegram.id)
                .then().statusCode(404);

        assertThat(fixtures.find(telegram.id).metadata).isEmpty();
        assertThat(fixtures.find(gmail.id).metadata).isEmpty();
    }
}
