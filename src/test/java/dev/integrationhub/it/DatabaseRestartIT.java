package dev.integrationhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.crypto.tink.KeysetHandle;

import dev.integrationhub.crypto.Keysets;
import dev.integrationhub.testsupport.Tokens;
import io.smallrye.jwt.build.Jwt;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The packaged service while its PostgreSQL restarts: requests that meet the database down get 503
 * {@code database_unavailable} with {@code Retry-After} (never a 500), readiness goes DOWN and UP again, and once
 * the database is back the very first request succeeds (pooled connections are checked before use), all without
 * restarting the service.
 */
class DatabaseRestartIT {

    private static final String LIST = "/api/integrations";

    @Test
    void aDatabaseRestartIsRiddenOutWithoutAnInternalError() throws Exception {
        KeysetHandle keyset = Keysets.generate();
        KeyPair identityProvider = Tokens.newRsaKeyPair();
        Path data = Files.createTempDirectory("hub-restart-pg");
        int port = PostgresOnDisk.freePort();
        EmbeddedPostgres postgres = PostgresOnDisk.start(data, port);
        try (PackagedService hub = PackagedService.start(
                PackagedService.environment(postgres, keyset, "http://127.0.0.1:9/token", identityProvider.getPublic()))) {
            hub.awaitReady(Duration.ofSeconds(90));
            Map<String, String> bearer = Map.of("Authorization", "Bearer " + Jwt.issuer("https://identity.test.invalid")
                    .subject("user-1").audience(PackagedService.AUDIENCE).expiresIn(Duration.ofHours(1))
                    .sign(identityProvider.getPrivate()));
            assertThat(hub.get(LIST, bearer).statusCode()).isEqualTo(200);

            postgres.close();
            List<HttpResponse<String>> whileDown = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                whileDown.add(hub.get(LIST, bearer));
            }
            await("readiness DOWN").atMost(Duration.ofSeconds(30))
                    .until(() -> hub.management("/q/health/ready").statusCode() == 503);

            postgres = PostgresOnDisk.start(data, port);
            await("readiness UP").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> hub.management("/q/health/ready").statusCode() == 200);
            HttpResponse<String> firstAfter = hub.get(LIST, bearer);

            assertThat(whileDown).allSatisfy(response -> {
                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
                assertThat(response.body()).contains("\"code\":\"database_unavailable\"").doesNotContain("SQL")
                        .doesNotContain("5432");
            });
            assertThat(firstAfter.statusCode()).isEqualTo(200);
            assertThat(hub.messages()).noneMatch(line -> line.contains("Unexpected error"));
        } finally {
            postgres.close();
        }
    }
}
