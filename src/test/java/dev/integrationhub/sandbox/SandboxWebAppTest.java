package dev.integrationhub.sandbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** With the sandbox on, the hub serves the example web app at {@code /sandbox/}, with itself as the API. */
@QuarkusTest
@TestProfile(SandboxProfile.class)
class SandboxWebAppTest {

    @Test
    void thePageIsServedWithACspThatAllowsItsOwnScriptsOnly() {
        given().when().get("/sandbox/").then().statusCode(200).contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("X-Content-Type-Options", "nosniff").body(containsString("id=\"connect-gmail-popup\""));
        given().when().get("/sandbox/app.js").then().statusCode(200).contentType(containsString("text/javascript"));
    }

    @Test
    void itsConfigNamesTheHubsPublicUrlAsTheApi() {
        given().when().get("/sandbox/config.js").then().statusCode(200)
                .body(containsString("{\"hubUrl\":\"http://localhost:"));
    }

    @Test
    void aFlowReturningToSandboxIsRedirectedToThePageWithItsQuery() {
        given().redirects().follow(false).queryParam("success", "gmail").when().get("/sandbox").then().statusCode(302)
                .header("Location", endsWith("/sandbox/?success=gmail"));
    }

    @Test
    void onlyThePagesOwnFilesAreServed() {
        given().when().get("/sandbox/README.md").then().statusCode(404);
        given().urlEncodingEnabled(false).when().get("/sandbox/..%2F..%2Fpom.xml").then().statusCode(404);
        given().when().get("/sandbox/index.html").then().statusCode(200).body(containsString("<title>"));
        given().when().get("/sandbox/style.css").then().statusCode(200).header("Cache-Control", equalTo("no-cache"));
    }
}
