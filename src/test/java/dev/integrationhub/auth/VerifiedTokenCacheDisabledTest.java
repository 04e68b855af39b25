package dev.integrationhub.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@code hub.auth.verified-token-cache-size=0}: every request verifies its token. */
@QuarkusTest
@TestProfile(VerifiedTokenCacheDisabledTest.WithoutCache.class)
class VerifiedTokenCacheDisabledTest {

    /** No verified-token cache. */
    public static class WithoutCache implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hub.auth.verified-token-cache-size", "0");
        }
    }

    @Inject
    VerifiedTokens tokens;

    @Test
    void everyRequestVerifiesItsToken() {
        String token = Tokens.forUser("no-cache");
        long before = tokens.verifications();

        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(token).when().get("/api/integrations").then().statusCode(200);
        }

        assertThat(tokens.verifications() - before).isEqualTo(3);
        assertThat(tokens.size()).isZero();
    }
}
