package dev.integrationhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.google.crypto.tink.KeysetHandle;

import dev.integrationhub.crypto.Keysets;
import dev.integrationhub.crypto.SecretCipher;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** Two packaged services on one database refresh every due grant exactly once, and both take part. */
class ReplicasIT {

    private static final int GRANTS = 400;
    private static final Pattern REFRESHED = Pattern
            .compile("hub_refresh_outcomes_total\\{outcome=\"refreshed\"\\} ([0-9.]+)");

    @Test
    void twoReplicasShareTheDueGrantsWithoutRefreshingAnyTwice() throws Exception {
        KeysetHandle keyset = Keysets.generate();
        try (CountingTokenEndpoint provider = new CountingTokenEndpoint(Duration.ofMillis(100));
                EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            Map<String, String> environment = PackagedService.environment(postgres, keyset, provider.uri());
            // Small enough that neither replica can take all grants before the other's next run.
            environment.put("HUB_REFRESH_INTERVAL", "1s");
            environment.put("HUB_REFRESH_MAX_CONCURRENCY", "4");
            environment.put("HUB_REFRESH_BATCH_SIZE", "10");
            try (PackagedService first = PackagedService.start(environment);
                    PackagedService second = PackagedService.start(environment);
                    Connection db = postgres.getPostgresDatabase().getConnection()) {
                first.awaitReady(Duration.ofSeconds(90));
                second.awaitReady(Duration.ofSeconds(90));

                GrantRows.insert(db, new SecretCipher(keyset), GRANTS, i -> Instant.now().minusSeconds(1));
                GrantRows.awaitRefreshed(db, GRANTS, Duration.ofSeconds(90));

                assertThat(provider.callsByRefreshToken).hasSize(GRANTS);
                assertThat(provider.doubleRefreshes()).as("refresh tokens sent twice").isZero();
                double byFirst = refreshedBy(first);
                double bySecond = refreshedBy(second);
                assertThat(byFirst).as("first replica").isPositive();
                assertThat(bySecond).as("second replica").isPositive();
                assertThat(byFirst + bySecond).isEqualTo(GRANTS);
            }
        }
    }

    private static double refreshedBy(PackagedService replica) throws Exception {
        Matcher count = REFRESHED.matcher(replica.management("/q/metrics").body());
        return count.find() ? Double.parseDouble(count.group(1)) : 0;
    }
}
