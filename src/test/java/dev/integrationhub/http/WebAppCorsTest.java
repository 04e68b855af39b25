package dev.integrationhub.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The web app is a single-page app on {@code hub.frontend-url}, another origin than the hub's: CORS lets that origin,
 * and no other, call the API with a bearer token.
 */
@QuarkusTest
class WebAppCorsTest {

    private static final String WEB_APP = "http://localhost:5173";

    @Test
    void thePreflightOfTheWebAppsOriginAllowsTheBearerAndIdempotencyKey() {
        given().header("Origin", WEB_APP).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,idempotency-key").when()
                .options("/api/integrations/gmail/send").then().statusCode(200)
                .header("Access-Control-Allow-Origin", WEB_APP)
                .header("Access-Control-Allow-Headers", containsString("Idempotency-Key"))
                .header("Access-Control-Allow-Credentials", not(equalTo("true")));
    }

    @Test
    void theWebAppsOriginMayReadTheAnswers() {
        given().header("Origin", WEB_APP).auth().oauth2(Tokens.forUser(ConnectionFixtures.newUser("cors"))).when()
                .get("/api/integrations").then().statusCode(200).header("Access-Control-Allow-Origin", WEB_APP);
    }

    @Test
    void anotherOriginIsRefused() {
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET").when()
                .options("/api/integrations").then().statusCode(403).header("Access-Control-Allow-Origin", nullValue());
    }
}
