package dev.integrationhub.sandbox;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;

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

    @Test
    void theGoogleApisTheBotApiTheChatAndTheConsoleAreNotFound() {
        given().auth().oauth2("sbx_at_x").contentType("message/rfc822")
                .body("To: bob@example.com\r\n\r\nHi".getBytes(StandardCharsets.UTF_8)).when()
                .post("/upload/gmail/v1/users/me/messages/send?uploadType=media").then().statusCode(404);
        given().auth().oauth2("sbx_at_x").contentType("application/json").body("{}").when()
                .post("/upload/drive/v3/files?uploadType=resumable").then().statusCode(404);
        given().contentType("application/json").body("{}").when().post("/sandbox/telegram/bot1:x/getMe").then()
                .statusCode(404);
        given().when().get("/sandbox/telegram/chat/hub_test_bot").then().statusCode(404);
        given().when().get("/sandbox/console").then().statusCode(404);
        given().contentType("application/x-www-form-urlencoded").formParam("grant", "x").when()
                .post("/sandbox/console/grants/revoke").then().statusCode(404);
    }
}
