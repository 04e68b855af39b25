package dev.integrationhub.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A bearer token presented again is answered from the verified tokens instead of being verified again, for no
 * longer than it is valid and {@code hub.auth.verified-token-ttl}, and never for another token.
 */
@QuarkusTest
class VerifiedTokenCacheTest {

    @Inject
    VerifiedTokens tokens;

    @Inject
    TestClock clock;

    @Test
    void aRepeatedTokenIsVerifiedOnlyOnce() {
        String token = Tokens.forUser("cache-repeat");
        long before = tokens.verifications();

        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(token).when().get("/api/integrations").then().statusCode(200);
        }

        assertThat(tokens.verifications() - before).isEqualTo(1);
    }

    @Test
    void aCachedTokenIsRefusedOnceItExpires() throws InterruptedException {
        Instant expiresAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        String token = Tokens.forUserUntil("cache-expiry", expiresAt);
        given().auth().oauth2(token).when().get("/api/integrations").then().statusCode(200);

        Thread.sleep(Duration.between(Instant.now(), expiresAt.plusMillis(200)));

        given().auth().oauth2(token).when().get("/api/integrations")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                .body("code", equalTo("unauthorized"));
    }

    @Test
    void aCachedTokenIsVerifiedAgainAfterTheTtl() {
        String token = Tokens.forUser("cache-ttl");
        given().auth().oauth2(token).when().get("/api/integrations").then().statusCode(200);
        long before = tokens.verifications();

        clock.advance(Duration.ofSeconds(61));
        given().auth().oauth2(token).when().get("/api/integrations").then().statusCode(200);

        assertThat(tokens.verifications() - before).isEqualTo(1);
    }

    @Test
    void aCachedTokenWithOneCharacterOfItsSignatureChangedIsUnauthorized() {
        String token = Tokens.forUser("cache-forged");
        given().auth().oauth2(token).when().get("/api/integrations").then().statusCode(200);
        int inSignature = token.lastIndexOf('.') + 10;
        char changed = token.charAt(inSignature) == 'A' ? 'B' : 'A';
        String forged = token.substring(0, inSignature) + changed + token.substring(inSignature + 1);

        given().auth().oauth2(forged).when().get("/api/integrations")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }

    @Test
    void anotherUsersTokenIsAnsweredWithThatUser() {
        String alice = Tokens.forUser("cache-alice");
        assertThat(probe(alice, "alice").getString("subject")).isEqualTo("cache-alice");

        assertThat(probe(Tokens.forUser("cache-bob"), "bob").getString("subject")).isEqualTo("cache-bob");
        assertThat(probe(alice, "alice-again").getString("subject")).isEqualTo("cache-alice");
    }

    @Test
    void aCachedIdentityCarriesTheRoutingContextOfTheCurrentRequest() {
        String token = Tokens.forUser("cache-routing-context");
        assertThat(probe(token, "first").getString("probe")).isEqualTo("first");
        long before = tokens.verifications();

        JsonPath second = probe(token, "second");

        assertThat(tokens.verifications()).as("answered from the cache").isEqualTo(before);
        assertThat(second.getString("probe")).isEqualTo("second");
        assertThat(second.getBoolean("has_request_context")).isTrue();
    }

    private static JsonPath probe(String token, String probe) {
        return given().auth().oauth2(token).header("X-Probe", probe).when().get("/api/test-support/identity")
                .then().statusCode(200).extract().jsonPath();
    }
}
