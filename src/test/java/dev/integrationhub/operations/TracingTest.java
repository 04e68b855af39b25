package dev.integrationhub.operations;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeGoogleApis;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.IssuedSecrets;
import dev.integrationhub.testsupport.Tokens;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Traces of a connect flow and a Gmail send: the provider calls and the action have spans, and no attribute or
 * event of any span holds a secret the test handed out (codes, states, tokens, the bot token).
 */
@QuarkusTest
class TracingTest {

    @FakeProviders.InjectServer
    WireMockServer server;

    @Inject
    InMemorySpanExporter spans;

    @Test
    void providerCallsAndActionsAreTracedWithoutSecrets() {
        spans.reset();
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));
        alice.connectAccount(FakeOAuth.google(server), "gmail", secret("4/trace"), secret("ya29.trace"),
                secret("1//trace"), List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY), "sub-" + UUID.randomUUID(),
                "alice@example.com");
        new FakeGoogleApis(server).gmailSends("msg-trace", "thread-trace");
        given().auth().oauth2(Tokens.forUser(alice.userId())).contentType("application/json")
                .body(Map.of("to", List.of("bob@example.com"), "subject", "Traced", "text", "hello"))
                .when().post("/api/integrations/gmail/send").then().statusCode(200);

        List<SpanData> finished = Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(spans::getFinishedSpanItems, items -> names(items).containsAll(
                        List.of("provider.exchange_code", "provider.userinfo", "action.gmail_send")));

        assertThat(finished).anySatisfy(span -> assertThat(span.getName()).contains("callback"));
        String everything = finished.stream().map(span -> span.getName() + " " + span.getAttributes() + " "
                + span.getEvents()).reduce("", String::concat);
        assertThat(everything).doesNotContain(IssuedSecrets.all());
    }

    private static List<String> names(List<SpanData> items) {
        return items.stream().map(SpanData::getName).toList();
    }
}
