package dev.integrationhub.testsupport;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Pins what the other tests rely on: the service reads the {@link TestClock}, and {@link BetweenTests} hands
 * every test a fake provider server without earlier stubs or requests and a clock without an earlier offset.
 * (The only tests here that depend on their order: the second checks what the first left behind.)
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BetweenTestsTest {

    private static final String LEFTOVER = "/leftover-from-an-earlier-test";

    @FakeProviders.InjectServer
    WireMockServer server;

    @Inject
    InstantSource serviceClock;

    @Inject
    TestClock clock;

    @Test
    @Order(1)
    void theServiceTellsTimeByTheTestClock() {
        clock.advance(Duration.ofHours(1));

        assertThat(serviceClock.instant()).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
    }

    @Test
    @Order(2)
    void anEarlierTestLeavesItsTracesBehind() {
        server.stubFor(WireMock.get(LEFTOVER).willReturn(WireMock.ok()));
        given().when().get(server.baseUrl() + LEFTOVER).then().statusCode(200);
        clock.advance(Duration.ofHours(1));

        assertThat(stubbedPaths()).contains(LEFTOVER);
        assertThat(server.findAll(WireMock.getRequestedFor(WireMock.urlEqualTo(LEFTOVER)))).hasSize(1);
    }

    @Test
    @Order(3)
    void theNextTestFindsOnlyTheStandingFakes() {
        assertThat(stubbedPaths()).containsExactlyInAnyOrder(FakeProviders.WEBHOOK_PATH, FakeGoogleApis.DRIVE_UPLOAD,
                FakeGoogleApis.DRIVE_UPLOAD);
        assertThat(server.findAll(WireMock.getRequestedFor(WireMock.urlEqualTo(LEFTOVER)))).isEmpty();
    }

    @Test
    @Order(4)
    void theNextTestFindsTheClockAtTheRealTime() {
        assertThat(Duration.between(Instant.now(), clock.instant()).abs()).isLessThan(Duration.ofSeconds(5));
    }

    /** The path of every stub: the webhook receiver and the fake Drive stand in every test. */
    private List<String> stubbedPaths() {
        return server.getStubMappings().stream().map(stub -> stub.getRequest().getUrl() != null
                ? stub.getRequest().getUrl()
                : stub.getRequest().getUrlPath()).toList();
    }
}
