package dev.integrationhub.token;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.TestClock;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The scheduled entry point: a tick hands the run to the refresh thread and returns at once; the run refreshes
 * what is due. (Tests switch the timer off, {@code hub.refresh.scheduled=false}, and tick by hand.)
 */
@QuarkusTest
class ScheduledRefreshTest {

    /** The management interface, where health and metrics are served. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @FakeProviders.InjectServer
    WireMockServer providerServer;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    GrantTokens tokens;

    @Inject
    RefreshScheduler scheduler;

    @Inject
    TestClock clock;

    @Inject
    HubConfig config;

    @Test
    void aTickDoesNotWaitForTheRun() {
        dueGrant();

        long started = System.nanoTime();
        scheduler.onSchedule();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the tick does not wait for the run")
                .isLessThan(Duration.ofMillis(500));
    }

    @Test
    void aTickRefreshesDueGrantsOnTheRefreshThread() {
        DueGrant due = dueGrant();

        scheduler.onSchedule();

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(tokens.accessToken(fixtures.find(due.id()))).contains(due.newAccess()));
    }

    @Test
    void aRunIsCountedInTheMetrics() {
        DueGrant due = dueGrant();
        scheduler.onSchedule();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(tokens.accessToken(fixtures.find(due.id()))).contains(due.newAccess()));

        given().port(management.getPort()).when().get("/q/metrics").then().statusCode(200)
                .body(containsString("hub_refresh_outcomes_total{outcome=\"refreshed\"}"))
                .body(containsString("hub_refresh_seconds_count"))
                .body(containsString("hub_grants{status=\"active\"}"))
                .body(containsString("hub_refresh_backlog"))
                .body(containsString("hub_refresh_oldest_due_age_seconds"));
    }

    private record DueGrant(UUID id, String newAccess) {
    }

    /** A grant that the provider refreshes, with the clock moved past its refresh due time. */
    private DueGrant dueGrant() {
        String refresh = secret("1//scheduled");
        String newAccess = secret("ya29.scheduled");
        Connection connection = fixtures.create(ConnectionFixtures.newUser("sched"), "gmail", "s@example.com",
                secret("ya29.old"), refresh);
        FakeOAuth.google(providerServer).refreshes(refresh, newAccess, null,
                List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY));
        clock.advance(ConnectionFixtures.TOKEN_LIFETIME.minus(config.refresh().leadTime()).plusSeconds(1));
        return new DueGrant(connection.id, newAccess);
    }
}
