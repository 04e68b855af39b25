package dev.integrationhub.oauth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** One user cannot fill the flow table: open flows are capped per user ({@code hub.flow.max-open-per-user}). */
@QuarkusTest
class OpenFlowCapTest {

    @Inject
    HubConfig config;

    @Inject
    TestClock clock;

    @Test
    void aUserWithTooManyOpenFlowsGets429() {
        String token = Tokens.forUser(ConnectionFixtures.newUser("busy"));
        for (int i = 0; i < config.flow().maxOpenPerUser(); i++) {
            connect(token).then().statusCode(200);
        }

        connect(token).then().statusCode(429).contentType("application/problem+json")
                .body("code", equalTo("too_many_flows"));
    }

    @Test
    void expiredFlowsDoNotCountTowardsTheCap() {
        String token = Tokens.forUser(ConnectionFixtures.newUser("patient"));
        for (int i = 0; i < config.flow().maxOpenPerUser(); i++) {
            connect(token).then().statusCode(200);
        }
        clock.advance(config.flow().ttl().plusSeconds(1));

        connect(token).then().statusCode(200);
    }

    @Test
    void theCapIsPerUser() {
        String busy = Tokens.forUser(ConnectionFixtures.newUser("busy"));
        for (int i = 0; i < config.flow().maxOpenPerUser(); i++) {
            connect(busy).then().statusCode(200);
        }

        connect(Tokens.forUser(ConnectionFixtures.newUser("other"))).then().statusCode(200);
    }

    private static io.restassured.response.Response connect(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("integration_type", "gmail"))
                .when().post("/api/integrations/connect");
    }
}
