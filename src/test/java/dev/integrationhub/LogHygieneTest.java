package dev.integrationhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import dev.integrationhub.testsupport.IssuedSecrets;

/**
 * Runs after every other in-process test and reads the service's whole log: no token, code, state, PKCE
 * verifier, cookie, client secret or bearer token that the suite handled may appear in it.
 */
@Order(Integer.MAX_VALUE)
class LogHygieneTest {

    private static final Path LOG = Path.of("target/quarkus-test.log");

    @Test
    void noSecretTheSuiteHandledIsInTheServiceLog() throws IOException {
        assertThat(LOG).exists();
        String log = Files.readString(LOG);
        List<String> secrets = IssuedSecrets.all();
        assertThat(log).as("the log covers the connect flows").contains("Connect flow");
        assertThat(secrets).as("the suite recorded what it handled").hasSizeGreaterThan(20);
        for (String secret : secrets) {
            assertThat(log).as("a secret in the log").doesNotContain(secret);
        }
        assertThat(log).doesNotContainPattern("ya29\\.[A-Za-z0-9_-]{8,}").doesNotContain("Bearer ey");
    }
}
