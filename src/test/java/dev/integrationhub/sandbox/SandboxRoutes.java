package dev.integrationhub.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.testsupport.FakeProviders;

/**
 * The fake providers' test resource fixes {@code hub.google.api-root-url} and {@code hub.telegram.api-root-url} at
 * WireMock for every test, and a profile cannot override it. So that the hub's Google clients and bot client reach
 * the sandbox as in dev mode, WireMock forwards their calls unchanged: Google's media uploads ({@code /upload/...} at
 * the root URL's host) to the hub's {@code /upload/...}, and the Bot API ({@code /telegram/bot<token>/<method>}) to
 * the sandbox's {@code /sandbox/telegram/bot<token>/<method>}. The fakes are reset before each test: install again.
 */
final class SandboxRoutes {

    private SandboxRoutes() {
    }

    static void forward(WireMockServer server) {
        String hub = "http://localhost:" + io.restassured.RestAssured.port;
        server.stubFor(any(urlPathMatching("/upload/.*")).atPriority(1).willReturn(aResponse().proxiedFrom(hub)));
        server.stubFor(any(urlPathMatching(FakeProviders.TELEGRAM_API_PATH + "/.*")).atPriority(1)
                .willReturn(aResponse().proxiedFrom(hub + SandboxBot.API_PATH)
                        .withProxyUrlPrefixToRemove(FakeProviders.TELEGRAM_API_PATH)));
    }
}
