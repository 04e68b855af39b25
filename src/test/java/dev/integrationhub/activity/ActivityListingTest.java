package dev.integrationhub.activity;

import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.connection.Connection;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * Reading activity: the owner only, newest first, a page at a time with a cursor that stays correct while new
 * entries arrive, across one connection or all of them; a cursor or limit the listing did not give out is refused.
 */
@QuarkusTest
class ActivityListingTest {

    @FakeProviders.InjectServer
    WireMockServer server;

    @Inject
    ConnectionFixtures fixtures;

    @Test
    void anotherUserGetsNotFoundForTheActivityOfAConnectionThatIsNotTheirs() {
        Connection alices = connection("alice");
        ActivityClient.handOut(alices.id, 1);
        String mallory = ConnectionFixtures.newUser("mallory");

        ActivityClient.of(mallory, alices.id, null, null).statusCode(404).contentType("application/problem+json")
                .body("code", equalTo("not_found"));
        ActivityClient.all(mallory, null, null).statusCode(200).body("entries", hasSize(0));
    }

    @Test
    void anUnknownConnectionIsNotFound() {
        ActivityClient.of(ConnectionFixtures.newUser("alice"), UUID.randomUUID(), null, null).statusCode(404);
    }

    @Test
    void theActivityOfAllConnectionsMergesThemNewestFirst() {
        Connection gmail = connection("alice");
        Connection drive = fixtures.create(gmail.userId, "google_drive", "alice@example.com", secret("ya29.d"),
                secret("1//d"));
        ActivityClient.handOut(gmail.id, 1);
        ActivityClient.handOut(drive.id, 1);
        ActivityClient.handOut(gmail.id, 1);

        List<Map<String, Object>> entries = ActivityClient.all(gmail.userId, null, null).statusCode(200)
                .body("next_cursor", nullValue()).extract().path("entries");

        assertThat(entries).extracting(entry -> entry.get("connection_id")).containsExactly(gmail.id.toString(),
                drive.id.toString(), gmail.id.toString());
    }

    @Test
    void pagesFollowEachOtherWithoutGapOrRepeatWhileNewEntriesArrive() {
        Connection connection = connection("alice");
        ActivityClient.handOut(connection.id, 5);
        List<String> before = ids(ActivityClient.of(connection.userId, connection.id, null, 100).extract());

        ExtractableResponse<Response> first = ActivityClient.of(connection.userId, connection.id, null, 2).statusCode(200)
                .body("entries", hasSize(2)).extract();
        List<String> read = new ArrayList<>(ids(first));
        ActivityClient.handOut(connection.id, 3);
        String cursor = first.path("next_cursor");
        while (cursor != null) {
            ExtractableResponse<Response> page = ActivityClient.of(connection.userId, connection.id, cursor, 2)
                    .statusCode(200).extract();
            read.addAll(ids(page));
            cursor = page.path("next_cursor");
        }

        assertThat(read).containsExactlyElementsOf(before);
    }

    @Test
    void theLastPageHasNoCursor() {
        Connection connection = connection("alice");
        ActivityClient.handOut(connection.id, 2);

        ActivityClient.of(connection.userId, connection.id, null, 2).statusCode(200).body("entries", hasSize(2))
                .body("next_cursor", nullValue());
    }

    @Test
    void aGarbledCursorIsABadRequest() {
        Connection connection = connection("alice");

        ActivityClient.of(connection.userId, connection.id, "not*base64", null).statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("invalid_cursor"));
    }

    @Test
    void aForgedCursorIsABadRequest() {
        Connection connection = connection("alice");
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("v1." + connection.id + ".1;drop table.1").getBytes(StandardCharsets.UTF_8));

        ActivityClient.of(connection.userId, connection.id, forged, null).statusCode(400)
                .body("code", equalTo("invalid_cursor"));
    }

    @Test
    void aCursorOfAnotherListingIsABadRequest() {
        Connection connection = connection("alice");
        ActivityClient.handOut(connection.id, 3);
        String ofAll = ActivityClient.all(connection.userId, null, 1).statusCode(200).extract().path("next_cursor");

        ActivityClient.of(connection.userId, connection.id, ofAll, 1).statusCode(400)
                .body("code", equalTo("invalid_cursor"));
    }

    @Test
    void aLimitOverOneHundredIsABadRequestNamingTheField() {
        Connection connection = connection("alice");

        ActivityClient.of(connection.userId, connection.id, null, 101).statusCode(400)
                .body("code", equalTo("validation_failed")).body("errors[0].field", equalTo("limit"));
    }

    @Test
    void theActivityOfADisconnectedConnectionStaysReadableByItsOwner() {
        Connection connection = connection("alice");
        ActivityClient.handOut(connection.id, 1);

        given().auth().oauth2(Tokens.forUser(connection.userId)).when().delete("/api/integrations/{id}", connection.id)
                .then().statusCode(204);

        assertThat(ActivityClient.entries(connection.userId, connection.id)).extracting(entry -> entry.get("kind"))
                .contains("disconnected", "token_handed_out");
    }

    private Connection connection(String name) {
        return fixtures.create(ConnectionFixtures.newUser(name), "gmail", name + "@example.com", secret("ya29.a"),
                secret("1//r"));
    }

    private static List<String> ids(ExtractableResponse<Response> page) {
        List<Map<String, Object>> entries = page.path("entries");
        return entries.stream().map(entry -> entry.get("at") + "/" + entry.get("details")).toList();
    }
}
