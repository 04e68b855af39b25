package dev.integrationhub.sandbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.integrationhub.testsupport.ConnectionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** With the sandbox on, the example web app's sign-in stand-in mints dev tokens that the API accepts. */
@QuarkusTest
@TestProfile(SandboxProfile.class)
class DevSignInTest {

    @Test
    void aMintedTokenSignsInAsTheTypedUser() {
        String user = ConnectionFixtures.newUser("dev");
        String token = given().contentType("application/json").body(Map.of("user", user)).when()
                .post("/sandbox/dev-token").then().statusCode(200).header("Cache-Control", "no-store")
                .body("token_type", equalTo("Bearer")).body("expires_in", equalTo(3600)).extract().path("access_token");

        given().auth().oauth2(token).when().get("/api/integrations").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void aUserIdThatBinDevTokenRefusesIsAValidationProblem() {
        given().contentType("application/json").body(Map.of("user", "not a user id")).when().post("/sandbox/dev-token")
                .then().statusCode(400).body("code", equalTo("validation_failed"))
                .body("errors[0].field", equalTo("user"));
    }

    @Test
    void aFormPostIsRefusedSoThatAnotherOriginCannotSendItWithoutAPreflight() {
        given().contentType("application/x-www-form-urlencoded").formParam("user", "alice").when()
                .post("/sandbox/dev-token").then().statusCode(415);
    }
}
