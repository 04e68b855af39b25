package dev.integrationhub.connection;

import static io.restassured.RestAssured.given;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.integrationhub.testsupport.ConnectionFixtures;
import io.quarkus.test.junit.QuarkusTest;

/** Outside the bench profile the read benchmark's baseline endpoint does not answer, even for an existing row. */
@QuarkusTest
class BaselineReadOffTest {

    @Inject
    ConnectionFixtures fixtures;

    @Test
    void theBaselineIsNotFoundOutsideTheBenchProfile() {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "alice@example.com",
                "ya29.baseline", "1//baseline");

        given().when().get("/api/bench/baseline/" + connection.id).then().statusCode(404)
                .contentType("application/problem+json");
    }
}
