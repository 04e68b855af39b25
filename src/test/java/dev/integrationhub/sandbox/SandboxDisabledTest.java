package dev.integrationhub.sandbox;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** Off (as in test mode by default and in every packaged service), the sandbox answers nothing: every path is 404. */
@QuarkusTest
class SandboxDisabledTest {

    @Test
    void theConsentPageIsNotFound() {
        given().redirects().follow(false).queryParam("client_id", SandboxClient.ID).when().get("/sandbox/oauth/authorize")
                .then().statusCode(404);
    }

    @Test
    void theTokenUserinfoAndRevocationEndpointsAreNotFound() {
        given().contentType("application/x-www-form-urlencoded").formParam("grant_type", "refresh_token")
                .formParam("refresh_token", "sbx_rt_x").formParam("client_id", SandboxClient.ID)
                .formParam("client_secret", SandboxClient.SECRET).when().post("/sandbox/oauth/token").then().statusCode(404);
        given().auth().oauth2("sbx_at_x").when().get("/sandbox/oauth/userinfo").then().statusCode(404);
        given().contentType("application/x-www-form-urlencoded").formParam("token", "sbx_rt_x").when()
                .post("/sandbox/oauth/revoke").then().statusCode(404);
    }
}
