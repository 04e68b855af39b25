package dev.integrationhub.operations;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The logs' last line of defence, exercised by logging secret-looking strings on purpose: what reaches the log
 * file has them redacted, in messages and in exception chains. And every API request carries an id.
 */
@QuarkusTest
class LogRedactionTest {

    private static final Logger LOG = Logger.getLogger(LogRedactionTest.class);
    private static final Path LOG_FILE = Path.of("target/quarkus-test.log");

    @Test
    void secretLookingValuesNeverReachTheLogFile() {
        String marker = "redaction-" + UUID.randomUUID();
        List<String> secrets = List.of("eyJhbGciOiJSUzI1NiJ9.payload.signature", "4/0AVG7fiQ-oauth-code",
                "ya29.a0AfH6SMB-access", "1//0gLrefresh-token", "987654321:AAH-bot-token_xyz", "client-secret-value");

        LOG.infof("%s Authorization: Bearer %s", marker, secrets.get(0));
        LOG.infof("%s GET /api/integrations/callback?code=%s&state=abc", marker, secrets.get(1));
        LOG.infof("%s answer {\"access_token\":\"%s\",\"refresh_token\":\"%s\"}", marker, secrets.get(2), secrets.get(3));
        LOG.infof("%s POST https://api.telegram.org/bot%s/sendMessage", marker, secrets.get(4));
        LOG.errorf(new IllegalStateException("token refused: client_secret=" + secrets.get(5)), "%s failed", marker);

        List<String> lines = awaitLines(marker, 5);
        assertThat(String.join("\n", lines)).contains("<redacted>").doesNotContain(secrets);
    }

    @Test
    void everyApiAnswerCarriesARequestId() {
        given().when().get("/api/integrations").then().statusCode(401)
                .header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
        given().header("X-Request-Id", "caller-chosen-42").when().get("/api/integrations").then()
                .header("X-Request-Id", equalTo("caller-chosen-42"));
    }

    private static List<String> awaitLines(String marker, int count) {
        return Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> linesWith(marker), l -> l.size() >= count);
    }

    private static List<String> linesWith(String marker) throws IOException {
        String log = Files.readString(LOG_FILE, StandardCharsets.UTF_8);
        int start = log.indexOf(marker);
        if (start < 0) {
            return List.of();
        }
        return log.substring(Math.max(0, log.lastIndexOf('\n', start))).lines().filter(l -> !l.isBlank()).toList();
    }
}
