package dev.integrationhub.oauth;

import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.event.OutboxDispatcher;
import dev.integrationhub.oauth.service.FlowStore;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Old rows do not pile up: expired flows and finished outbox items are purged in batches. */
@QuarkusTest
class PurgeTest {

    @FakeProviders.InjectServer
    WireMockServer providerServer;

    @Inject
    FlowStore flows;

    @Inject
    OutboxDispatcher outbox;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    EntityManager entityManager;

    @Inject
    TestClock clock;

    @Inject
    HubConfig config;

    @Test
    void aFlowIsPurgedADayAfterItExpired() {
        String user = ConnectionFixtures.newUser("purge");
        given().auth().oauth2(Tokens.forUser(user)).contentType(ContentType.JSON).body(Map.of("integration_type", "gmail"))
                .when().post("/api/integrations/connect").then().statusCode(200);
        clock.advance(config.flow().ttl().plus(Duration.ofDays(1)).plusSeconds(1));

        assertThat(flows.purgeExpired()).isPositive();

        assertThat(count("select count(f) from OAuthFlow f where f.userId = ?1", user)).isZero();
    }

    @Test
    void anExpiredFlowIsKeptForADay() {
        String user = ConnectionFixtures.newUser("purge");
        given().auth().oauth2(Tokens.forUser(user)).contentType(ContentType.JSON).body(Map.of("integration_type", "gmail"))
                .when().post("/api/integrations/connect").then().statusCode(200);
        clock.advance(config.flow().ttl().plusSeconds(1));

        flows.purgeExpired();

        assertThat(count("select count(f) from OAuthFlow f where f.userId = ?1", user)).isOne();
    }

    @Test
    void aFinishedOutboxItemIsPurgedAfterTheRetention() {
        FakeOAuth.google(providerServer).revocationAnswers(200);
        Connection connection = fixtures.create(ConnectionFixtures.newUser("purge"), "gmail", "p@example.com",
                secret("ya29.purge"), secret("1//purge"));
        given().auth().oauth2(Tokens.forUser(connection.userId)).when().delete("/api/integrations/{id}", connection.id)
                .then().statusCode(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> count(
                "select count(o) from OutboxItem o where o.connectionId = ?1 and o.doneAt is not null", connection.id) > 0
                && count("select count(o) from OutboxItem o where o.connectionId = ?1 and o.doneAt is null",
                        connection.id) == 0);
        clock.advance(config.outbox().retention().plusSeconds(1));

        assertThat(outbox.purgeDone()).isPositive();

        assertThat(count("select count(o) from OutboxItem o where o.connectionId = ?1", connection.id)).isZero();
    }

    private long count(String query, Object parameter) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager.createQuery(query, Long.class)
                .setParameter(1, parameter).getSingleResult());
    }

}
