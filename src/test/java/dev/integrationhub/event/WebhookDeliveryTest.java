package dev.integrationhub.event;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.testsupport.Tokens;
import dev.integrationhub.testsupport.Webhooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The web app learns of connection changes from signed webhooks: delivered in order per connection, without
 * tokens, and again later when its receiver was down (the retry's backoff passes by moving the
 * {@link TestClock}).
 */
@QuarkusTest
class WebhookDeliveryTest {

    /** The management interface, where health and metrics are served. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    private static final List<String> SCOPES = List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY);

    private record Connected(String user, UUID id) {
    }

    @FakeProviders.InjectServer
    WireMockServer server;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    TestClock clock;

    @Inject
    HubConfig config;

    @Test
    void aConnectionsEventsArriveInTheOrderTheyHappened() {
        Connected connected = connectThenDisconnect("alice");

        Webhooks.awaitEvents(server, connected.id(), List.of("connection.created", "connection.revoked"));
    }

    @Test
    void everyDeliveryIsSignedWithTheSharedSecret() {
        Connected connected = connectThenDisconnect("alice");

        List<LoggedRequest> deliveries = Webhooks.awaitEvents(server, connected.id(),
                List.of("connection.created", "connection.revoked"));

        assertThat(deliveries).isNotEmpty().allSatisfy(Webhooks::assertSigned);
    }

    @Test
    void theCreatedEventDescribesTheConnectionWithoutItsTokens() {
        Connected connected = connectThenDisconnect("alice");

        LoggedRequest created = Webhooks.awaitEvents(server, connected.id(),
                List.of("connection.created", "connection.revoked")).getFirst();

        assertThat(created.getBodyAsString()).contains("\"type\":\"connection.created\"",
                "\"user_id\":\"" + connected.user() + "\"", "\"integration_type\":\"gmail\"", "\"status\":\"active\"")
                .doesNotContain("ya29", "1//");
        assertThat(created.getHeader("X-Hub-Delivery")).isNotBlank();
        assertThat(created.getHeader("Content-Type")).startsWith("application/json");
    }

    @Test
    void deliveredEventsAreCounted() {
        Connected connected = connectThenDisconnect("alice");
        Webhooks.awaitEvents(server, connected.id(), List.of("connection.created", "connection.revoked"));

        given().port(management.getPort()).when().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("hub_webhook_deliveries_total{outcome=\"delivered\"}"));
    }

    @Test
    void aReceiverThatIsDownGetsTheEventLater() {
        String user = ConnectionFixtures.newUser("bob");
        String subject = "sub-" + UUID.randomUUID();
        String scenario = "receiver-down-" + subject;
        server.stubFor(WireMock.post(WireMock.urlEqualTo(FakeProviders.WEBHOOK_PATH))
                .withRequestBody(WireMock.containing(user)).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("up")
                .willReturn(WireMock.aResponse().withStatus(503)));
        server.stubFor(WireMock.post(WireMock.urlEqualTo(FakeProviders.WEBHOOK_PATH))
                .withRequestBody(WireMock.containing(user)).inScenario(scenario).whenScenarioStateIs("up")
                .willReturn(WireMock.ok()));

        new Browser(user).connectAccount(FakeOAuth.google(server), "gmail", secret("4/code"), secret("ya29.b"),
                secret("1//b"), SCOPES, subject, "b@example.com");
        UUID id = fixtures.findByAccount(user, subject).id;

        Webhooks.awaitEvents(server, id, List.of("connection.created"));
        clock.advance(config.outbox().maxBackoff().plusSeconds(1));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> Webhooks.deliveriesFor(server, id).size() == 2);
        List<LoggedRequest> attempts = Webhooks.deliveriesFor(server, id);
        assertThat(attempts).extracting(r -> r.getHeader("X-Hub-Delivery")).as("the same delivery, retried")
                .containsOnly(attempts.getFirst().getHeader("X-Hub-Delivery"));
    }

    /** A user connects a Gmail account and disconnects it again. */
    private Connected connectThenDisconnect(String name) {
        String user = ConnectionFixtures.newUser(name);
        String subject = "sub-" + UUID.randomUUID();
        new Browser(user).connectAccount(FakeOAuth.google(server), "gmail", secret("4/code"), secret("ya29.w"),
                secret("1//w"), SCOPES, subject, "w@example.com");
        UUID id = fixtures.findByAccount(user, subject).id;
        FakeOAuth.google(server).revocationAnswers(200);
        given().auth().oauth2(Tokens.forUser(user)).when().delete("/api/integrations/{id}", id).then().statusCode(204);
        return new Connected(user, id);
    }
}
