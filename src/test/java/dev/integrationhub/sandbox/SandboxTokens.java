package dev.integrationhub.sandbox;

import static io.restassured.RestAssured.given;

import io.restassured.response.ValidatableResponse;

/** Calls to the sandbox's token and userinfo endpoints as the hub (or a thief of its tokens) makes them. */
final class SandboxTokens {

    private SandboxTokens() {
    }

    /** A refresh with the sandbox client's credentials. */
    static ValidatableResponse refresh(String refreshToken) {
        return given().contentType("application/x-www-form-urlencoded; charset=UTF-8")
                .formParam("grant_type", "refresh_token").formParam("refresh_token", refreshToken)
                .formParam("client_id", SandboxClient.ID).formParam("client_secret", SandboxClient.SECRET)
                .when().post("/sandbox/oauth/token").then();
    }

    /** The userinfo endpoint with this access token. */
    static ValidatableResponse userinfo(String accessToken) {
        return given().auth().oauth2(accessToken).when().get("/sandbox/oauth/userinfo").then();
    }
}
