package dev.integrationhub.sandbox;

import static io.restassured.RestAssured.given;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** Sandbox off (the default outside dev mode): no example web app and no dev sign-in, every path 404. */
@QuarkusTest
class SandboxWebAppDisabledTest {

    @Test
    void theWebAppIsNotFound() {
        given().when().get("/sandbox/").then().statusCode(404);
        given().when().get("/sandbox/app.js").then().statusCode(404);
        given().when().get("/sandbox/config.js").then().statusCode(404);
        given().redirects().follow(false).when().get("/sandbox").then().statusCode(404);
    }

    @Test
    void noDevTokenIsMinted() {
        given().contentType("application/json").body(Map.of("user", "alice")).when().post("/sandbox/dev-token").then()
                .statusCode(404);
    }
}
