package dev.integrationhub.connection;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.audit.AuditEntry;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.FakeTelegram;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The user's own connections API: each user reads only their own connections, never a token of them, and
 * only the owner may set a Telegram connection's default chat, which is validated and audited.
 */
@QuarkusTest
class ConnectionResourceTest {

    @FakeProviders.InjectServer
    WireMockServer providerServer;

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
    void aUserSeesTheirOwnConnections() {
        TwoUsers users = twoUsersWithConnections();

        given().auth().oauth2(Tokens.forUser(users.alice())).when().get("/api/integrations")
                .then().statusCode(200)
                .body("id", contains(users.work().id.toString(), users.drive().id.toString()))
                .body("integration_type", contains("gmail", "google_drive"))
                .body("account", contains("alice@work.example", "alice@home.example"))
                .body("[0].provider", equalTo("google"))
                .body("[0].status", equalTo("active"))
                .body("[0].granted_scopes", containsInAnyOrder("openid", "email",
                        "https://www.googleapis.com/auth/gmail.send"))
                .body("[0].expires_at", equalTo(fixtures.find(users.work().id).tokenExpiresAt.toString()))
                .body("[0].last_refreshed_at", nullValue())
                .body("[0].metadata.size()", equalTo(0));
        given().auth().oauth2(Tokens.forUser(users.bob()))
                .when().get("/api/integrations")
                .then().statusCode(200).body("id", contains(users.bobs().id.toString()));
    }

    @Test
    void theListRevealsNeitherTokensNorOtherUsers() {
        TwoUsers users = twoUsersWithConnections();

        String body = given().auth().oauth2(Tokens.forUser(users.alice())).when().get("/api/integrations").asString();

        assertThat(body).doesNotContain("alice-access", "alice-refresh", "bob", users.bobs().id.toString(), "ciphertext",
                "token\"");
    }

    private record TwoUsers(String alice, String bob, Connection work, Connection drive, Connection bobs) {
    }

    /** Alice has a Gmail and a Drive connection, Bob a Gmail connection. */
    private TwoUsers twoUsersWithConnections() {
        String alice = ConnectionFixtures.newUser("alice");
        String bob = ConnectionFixtures.newUser("bob");
        Connection work = fixtures.create(alice, "gmail", "alice@work.example", "alice-access-1", "alice-refresh-1");
        Connection drive = fixtures.create(alice, "google_drive", "alice@home.example", "alice-access-2",
                "alice-refresh-2");
        Connection bobs = fixtures.create(bob, "gmail", "bob@example.com", "bob-access", "bob-refresh");
        return new TwoUsers(alice, bob, work, drive, bobs);
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
    void anAbsentConnectionIsNotFound() {
        given().auth().oauth2(Tokens.forUser(ConnectionFixtures.newUser("alice")))
                .when().get("/api/integrations/{id}", UUID.randomUUID())
                .then().statusCode(404).body("code", equalTo("not_found"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "42", "not-a-uuid", "1-1-1-1-1", "00000000-0000-0000-0000-0000000000000" })
    void aMalformedConnectionIdIsABadRequest(String malformed) {
        given().auth().oauth2(Tokens.forUser(ConnectionFixtures.newUser("alice")))
                .when().get("/api/integrations/{id}", malformed)
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("invalid_connection_id"));
    }

    @Test
    void theOwnerAsksForATelegramDefaultChatWhichWaitsForItsCode() {
        String alice = ConnectionFixtures.newUser("alice");
        Connection telegram = fixtures.create(alice, "telegram", null, "bot-scoped-token", null);
        new FakeTelegram(providerServer).acceptsMessages();

        setDefaultChat(alice, telegram, "\"-1001234567890\"")
                .then().statusCode(200).body("metadata.pending_chat_id", equalTo("-1001234567890"))
                .body("metadata", not(hasKey("default_chat_id")));

        assertThat(fixtures.find(telegram.id).metadata).containsEntry("pending_chat_id", "-1001234567890");
    }

    @Test
    void theOwnerDropsAPendingTelegramChat() {
        String alice = ConnectionFixtures.newUser("alice");
        Connection telegram = fixtures.create(alice, "telegram", null, "bot-scoped-token", null);
        new FakeTelegram(providerServer).acceptsMessages();
        setDefaultChat(alice, telegram, "\"-1001234567890\"").then().statusCode(200);

        setDefaultChat(alice, telegram, "null").then().statusCode(200).body("metadata.size()", equalTo(0));

        assertThat(fixtures.find(telegram.id).metadata).doesNotContainKey("pending_chat_id");
    }

    @Test
    void changesOfTheDefaultChatAreAuditedWithTheirActor() {
        String alice = ConnectionFixtures.newUser("alice");
        Connection telegram = fixtures.create(alice, "telegram", null, "bot-scoped-token", null);
        new FakeTelegram(providerServer).acceptsMessages();
        setDefaultChat(alice, telegram, "\"-1001234567890\"").then().statusCode(200);
        setDefaultChat(alice, telegram, "null").then().statusCode(200);

        List<AuditEntry> trail = QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("from AuditEntry where connectionId = ?1 order by id", AuditEntry.class)
                .setParameter(1, telegram.id).getResultList());
        assertThat(trail).hasSize(2).allSatisfy(entry -> {
            assertThat(entry.actor).isEqualTo(alice);
            assertThat(entry.action).isEqualTo("connection.metadata_updated");
        });
    }

    private static Response setDefaultChat(String user, Connection connection, String jsonValue) {
        return given().auth().oauth2(Tokens.forUser(user)).contentType(ContentType.JSON)
                .body("{\"metadata\":{\"default_chat_id\":" + jsonValue + "}}")
                .when().patch("/api/integrations/{id}", connection.id);
    }

    @Test
    void anInvalidDefaultChatIsRejectedNamingTheField() {
        String alice = ConnectionFixtures.newUser("alice");
        Connection telegram = fixtures.create(alice, "telegram", null, "t", null);

        setDefaultChat(alice, telegram, "\"12; drop table\"")
                .then().statusCode(400).body("code", equalTo("validation_failed"))
                .body("errors[0].field", equalTo("metadata.default_chat_id"));

        assertThat(fixtures.find(telegram.id).metadata).isEmpty();
    }

    @Test
    void showingMailDetailsIsKeptInAGmailConnectionsMetadata() {
        String alice = ConnectionFixtures.newUser("alice");
        Connection gmail = fixtures.create(alice, "gmail", "alice@example.com", "a", "r");

        showMailDetails(alice, gmail, "true").then().statusCode(200).body("metadata.show_mail_details", equalTo(true));
        showMailDetails(alice, gmail, "false").then().statusCode(200).body("metadata", not(hasKey("show_mail_details")));

        assertThat(fixtures.find(gmail.id).metadata).isEmpty();
    }

    @Test
    void showingMailDetailsDoesNotApplyToTelegram() {
        String alice = ConnectionFixtures.newUser("alice");
        Connection telegram = fixtures.create(alice, "telegram", null, "t", null);

        showMailDetails(alice, telegram, "true").then().statusCode(400).body("code", equalTo("metadata_not_applicable"));

        assertThat(fixtures.find(telegram.id).metadata).isEmpty();
    }

    private static Response showMailDetails(String user, Connection connection, String jsonValue) {
        return given().auth().oauth2(Tokens.forUser(user)).contentType(ContentType.JSON)
                .body("{\"metadata\":{\"show_mail_details\":" + jsonValue + "}}")
                .when().patch("/api/integrations/{id}", connection.id);
    }

    @Test
    void aDefaultChatDoesNotApplyToGmail() {
        String alice = ConnectionFixtures.newUser("alice");
        Connection gmail = fixtures.create(alice, "gmail", "alice@example.com", "a", "r");

        setDefaultChat(alice, gmail, "\"@mychannel\"")
                .then().statusCode(400).body("code", equalTo("metadata_not_applicable"));

        assertThat(fixtures.find(gmail.id).metadata).isEmpty();
    }

    @Test
    void anotherUserCannotChangeTheMetadata() {
        Connection telegram = fixtures.create(ConnectionFixtures.newUser("alice"), "telegram", null, "t", null);

        setDefaultChat(ConnectionFixtures.newUser("mallory"), telegram, "\"@mychannel\"").then().statusCode(404);

        assertThat(fixtures.find(telegram.id).metadata).isEmpty();
    }
}
