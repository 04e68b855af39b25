package dev.integrationhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.crypto.tink.KeysetHandle;

import dev.integrationhub.crypto.Keysets;
import dev.integrationhub.crypto.SecretCipher;
import dev.integrationhub.testsupport.FreePorts;
import dev.integrationhub.testsupport.Tokens;
import io.smallrye.jwt.build.Jwt;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The packaged service while its PostgreSQL restarts: requests that meet the database down get 503
 * {@code database_unavailable} with {@code Retry-After} (never a 500), readiness goes DOWN and UP again, and once
 * the database is back the very first request succeeds (pooled connections are checked before use), all without
 * restarting the service; and a refresh the provider answered while the database was down is not lost.
 */
class DatabaseRestartIT {

    private static final String LIST = "/api/integrations";
    /** Longer than the connection pool waits for a connection (5 s), which alone rides out a short restart. */
    private static final Duration DOWN_LONGER_THAN_A_POOL_WAIT = Duration.ofSeconds(8);

    @Test
    void aDatabaseRestartIsRiddenOutWithoutAnInternalError() throws Exception {
        KeysetHandle keyset = Keysets.generate();
        KeyPair identityProvider = Tokens.newRsaKeyPair();
        Path data = Files.createTempDirectory("hub-restart-pg");
        int port = FreePorts.pick();
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
            PostgresOnDisk.delete(data);
        }
    }

    /**
     * The provider answers a refresh (rotating the refresh token) while PostgreSQL is down: the service holds the
     * answer and records it once the database is back, instead of dropping it and, once its lease has ended,
     * refreshing again with the retired refresh token, which a provider with reuse detection takes for theft and
     * answers by revoking the grant.
     */
    @Test
    void aRefreshAnsweredWhileTheDatabaseIsDownIsRecordedOnceItIsBack() throws Exception {
        KeysetHandle keyset = Keysets.generate();
        Path data = Files.createTempDirectory("hub-restart-pg");
        int port = FreePorts.pick();
        EmbeddedPostgres postgres = PostgresOnDisk.start(data, port);
        try (RotatingTokenEndpoint provider = new RotatingTokenEndpoint(Duration.ZERO, Duration.ofHours(1))) {
            Map<String, String> environment = PackagedService.environment(postgres, keyset, provider.uri("hub"));
            environment.put("HUB_REFRESH_INTERVAL", "1s");
            environment.put("HUB_REFRESH_LEASE", "30s");
            environment.put("HUB_PROVIDER_CALLS_TIMEOUT", "5s");
            try (PackagedService hub = PackagedService.start(environment)) {
                hub.awaitReady(Duration.ofSeconds(90));
                provider.hold();
                try (Connection db = postgres.getPostgresDatabase().getConnection()) {
                    GrantRows.insert(db, new SecretCipher(keyset), 1, i -> Instant.now().minusSeconds(1));
                }
                await("refresh in flight").atMost(Duration.ofSeconds(30)).until(() -> provider.inFlight() == 1);

                postgres.close();
                provider.release();
                await("answer delivered").atMost(Duration.ofSeconds(10)).until(() -> provider.inFlight() == 0);
                Thread.sleep(DOWN_LONGER_THAN_A_POOL_WAIT.toMillis());
                postgres = PostgresOnDisk.start(data, port);

                EmbeddedPostgres restarted = postgres;
                await("refresh recorded or grant lost").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> status(restarted), status -> !status.equals("active, never refreshed"));
                assertThat(status(restarted)).isEqualTo("active, refreshed");
                assertThat(provider.reuses).as("retired refresh tokens presented again").hasValue(0);
                assertThat(provider.rotations).hasValue(1);
            }
        } finally {
            postgres.close();
            PostgresOnDisk.delete(data);
        }
    }

    private static String status(EmbeddedPostgres postgres) throws SQLException {
        try (Connection db = postgres.getPostgresDatabase().getConnection();
                Statement query = db.createStatement();
                ResultSet row = query.executeQuery("SELECT status, last_refreshed_at FROM integration_tokens")) {
            row.next();
            return row.getString(1) + ", " + (row.getTimestamp(2) == null ? "never refreshed" : "refreshed");
        }
    }
}
