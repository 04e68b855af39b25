package dev.integrationhub.provider;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A provider's answer is bounded: in size ({@code hub.provider-calls.max-answer-bytes}) and in time, body
 * included ({@code hub.provider-calls.timeout}), so a misbehaving server cannot exhaust memory or hold a call.
 */
@QuarkusTest
class ProviderAnswerLimitsTest {

    @FakeProviders.InjectServer
    WireMockServer providerServer;

    @Inject
    HubConfig config;

    FakeOAuth google;

    @BeforeEach
    void provider() {
        google = FakeOAuth.google(providerServer);
    }

    @Test
    void aTokenAnswerLongerThanTheLimitFailsTheCall() {
        String padding = "x".repeat(config.providerCalls().maxAnswerBytes());
        String body = "{\"access_token\":\"" + secret("ya29.huge") + "\",\"refresh_token\":\"" + secret("1//huge")
                + "\",\"expires_in\":3599,\"padding\":\"" + padding + "\"}";

        assertThat(callbackAnswering(WireMock.okJson(body))).endsWith("?error=provider_unavailable");
    }

    @Test
    void aTokenAnswerTrickledOutLongerThanTheTimeoutFailsTheCall() {
        String body = FakeOAuth.tokenResponse(secret("ya29.slow"), secret("1//slow"),
                List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY));
        long trickle = config.providerCalls().timeout().multipliedBy(2).toMillis();

        assertThat(callbackAnswering(WireMock.okJson(body).withChunkedDribbleDelay(10, (int) trickle)))
                .endsWith("?error=provider_timeout");
    }

    private String callbackAnswering(ResponseDefinitionBuilder tokenAnswer) {
        Browser browser = new Browser(ConnectionFixtures.newUser("limits"));
        String code = secret("4/limits");
        google.answersCode(code, tokenAnswer);
        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect("gmail", null, null));
        return browser.returnFromProvider(Map.of("code", code, "state", atProvider.state())).header("Location");
    }
}
