package dev.integrationhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.crypto.tink.KeysetHandle;

import dev.integrationhub.crypto.Keysets;
import dev.integrationhub.crypto.SecretCipher;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A replica stopped (SIGTERM) in the middle of a refresh run: the calls under way finish, the grants it claimed but
 * had not called yet are given back, so no grant waits out a lease of the stopped replica.
 */
class GracefulShutdownIT {

    private static final int GRANTS = 200;

    @Test
    void aReplicaStoppedMidRunLeavesNoLeaseToWaitOut() throws Exception {
        KeysetHandle keyset = Keysets.generate();
        try (CountingTokenEndpoint provider = new CountingTokenEndpoint(Duration.ofSeconds(1));
                EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                Connection db = postgres.getPostgresDatabase().getConnection()) {
            Map<String, String> environment = PackagedService.environment(postgres, keyset, provider.uri());
            environment.put("HUB_REFRESH_INTERVAL", "1s");
            environment.put("HUB_REFRESH_MAX_CONCURRENCY", "2");
            environment.put("HUB_REFRESH_BATCH_SIZE", "50");
            PackagedService replica = PackagedService.start(environment);
            replica.awaitReady(Duration.ofSeconds(90));
            GrantRows.insert(db, new SecretCipher(keyset), GRANTS, i -> Instant.now().minusSeconds(1));
            await().atMost(Duration.ofSeconds(30)).until(() -> provider.callsByRefreshToken.size() >= 2);
            assertThat(count(db, "refresh_lease_until > now()")).as("leases while running").isGreaterThan(2);

            long stopping = System.nanoTime();
            replica.close();
            Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);

            assertThat(stopped).as("time to stop").isLessThan(Duration.ofSeconds(15));
            assertThat(count(db, "refresh_lease_until > now()")).as("leases left behind").isZero();
            assertThat(count(db, "refresh_due_at <= now() OR last_refreshed_at IS NOT NULL")).isEqualTo(GRANTS);
            assertThat(provider.doubleRefreshes()).isZero();
        }
    }

    private static long count(Connection db, String condition) throws SQLException {
        try (Statement query = db.createStatement();
                ResultSet row = query.executeQuery("SELECT count(*) FROM integration_tokens WHERE " + condition)) {
            row.next();
            return row.getLong(1);
        }
    }
}
