package dev.integrationhub.connection;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.integrationhub.testsupport.ConnectionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The read benchmark's baseline endpoint, as the bench profile turns it on: a primary-key read answering 204 for
 * a row and 404 otherwise, without a bearer token. (Off, it is 404: {@code BaselineReadOffTest}.)
 */
@QuarkusTest
@TestProfile(BaselineReadTest.BenchProfile.class)
class BaselineReadTest {

    /** The setting the {@code bench} profile makes. */
    public static final class BenchProfile implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hub.bench.baseline-enabled", "true");
        }
    }

    @Inject
    ConnectionFixtures fixtures;

    @Test
    void anExistingRowIsReadWithoutAToken() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com",
                "ya29.baseline", "1//baseline");

        given().when().get("/api/bench/baseline/" + connection.id).then().statusCode(204);
    }

    @Test
    void anUnknownRowIsNotFound() {
        given().when().get("/api/bench/baseline/" + UUID.randomUUID()).then().statusCode(404);
    }
}
