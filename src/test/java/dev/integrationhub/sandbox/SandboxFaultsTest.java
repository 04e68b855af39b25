package dev.integrationhub.sandbox;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.sandbox.SandboxBrowser.Connected;
import dev.integrationhub.sandbox.service.SandboxAuthorizationServer;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.testsupport.Webhooks;
import dev.integrationhub.token.RefreshScheduler;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Faults set on the sandbox console reach the hub as a real provider's would: a revoked grant makes the connection
 * {@code needs_reauth} at its next refresh, an outage of the token endpoint makes it {@code degraded} and its end
 * {@code recovered}; each status change is a webhook.
 */
@QuarkusTest
@TestProfile(SandboxProfile.class)
class SandboxFaultsTest {

    private static final List<String> GMAIL_SCOPES = List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY);
    /** Longer than the sandbox's access tokens live in tests. */
    private static final Duration PAST_EXPIRY = Duration.ofMinutes(3);

    @FakeProviders.InjectServer
    WireMockServer server;

    @Inject
    SandboxAuthorizationServer sandbox;

    @Inject
    RefreshScheduler scheduler;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    TestClock clock;

    @Inject
    HubConfig config;

    @AfterEach
    void heal() {
        given().redirects().follow(false).when().post("/sandbox/console/token-endpoint/heal").then().statusCode(303);
    }

    @Test
    void aGrantRevokedOnTheConsoleMakesTheConnectionNeedReauthAtItsNextRefresh() {
        Connected alice = SandboxBrowser.connect(SandboxProfile.INTEGRATION_TYPE, GMAIL_SCOPES);
        String grant = sandbox.grants().stream().filter(g -> g.account().equals(alice.account())).findFirst()
                .orElseThrow().id();

        given().redirects().follow(false).contentType("application/x-www-form-urlencoded").formParam("grant", grant)
                .when().post("/sandbox/console/grants/revoke").then().statusCode(303)
                .header("Location", containsString("/sandbox/console"));
        clock.advance(PAST_EXPIRY);
        scheduler.runOnce();

        assertThat(fixtures.find(alice.id()).status).isEqualTo(ConnectionStatus.NEEDS_REAUTH);
        awaitEvent(alice, "connection.needs_reauth");
    }

    @Test
    void aTokenEndpointOutageDegradesTheConnectionAndItsEndRecoversIt() {
        Connected alice = SandboxBrowser.connect(SandboxProfile.INTEGRATION_TYPE, GMAIL_SCOPES);
        Duration backoff = config.refresh().maxBackoff().plusSeconds(1);

        given().redirects().follow(false).contentType("application/x-www-form-urlencoded").formParam("status", 500)
                .formParam("seconds", 900)
                .when().post("/sandbox/console/token-endpoint/fail").then().statusCode(303);
        clock.advance(PAST_EXPIRY);
        scheduler.runOnce();
        clock.advance(backoff);
        scheduler.runOnce();
        assertThat(fixtures.find(alice.id()).status).isEqualTo(ConnectionStatus.DEGRADED);

        clock.advance(Duration.ofSeconds(900));
        scheduler.runOnce();

        assertThat(fixtures.find(alice.id()).status).isEqualTo(ConnectionStatus.ACTIVE);
        awaitEvent(alice, "connection.recovered");
    }

    @Test
    void duringAnOutageTheTokenEndpointAnswersTheChosenStatusAndAfterItAnswersAgain() {
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded").formParam("status", 429)
                .formParam("seconds", 60)
                .when().post("/sandbox/console/token-endpoint/fail").then().statusCode(303);
        given().when().get("/sandbox/console").then().statusCode(200).body(containsString("answers HTTP 429"));

        SandboxTokens.refresh("sbx_rt_unknown").statusCode(429);
        clock.advance(Duration.ofSeconds(61));
        SandboxTokens.refresh("sbx_rt_unknown").statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void aConsoleFormPostedFromAnotherSiteIsRefused() {
        given().redirects().follow(false).header("Origin", "https://elsewhere.example")
                .contentType("application/x-www-form-urlencoded")
                .formParam("status", 500).formParam("seconds", 60).when().post("/sandbox/console/token-endpoint/fail")
                .then().statusCode(403);

        given().when().get("/sandbox/console").then().statusCode(200).body(containsString("Answering normally"));
    }

    private void awaitEvent(Connected connected, String event) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Webhooks.deliveriesFor(server, connected.id())
                .stream().map(r -> r.getHeader("X-Hub-Event")).toList()).contains(event));
    }
}
