package dev.integrationhub.connection;

import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.google.crypto.tink.KeysetHandle;

import dev.integrationhub.crypto.AssociatedData;
import dev.integrationhub.crypto.Keysets;
import dev.integrationhub.crypto.SecretCipher;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.DatabaseRows;
import dev.integrationhub.testsupport.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * After a rotation ({@code bin/keyset rotate}: the old key still decrypts, a new one is primary), stored grants move
 * to the primary key so that the old key can be retired.
 */
@QuarkusTest
@TestProfile(GrantReencryptionTest.Rotated.class)
class GrantReencryptionTest {

    /** The service runs with a rotated keyset; the old keyset is kept in a system property for the test. */
    public static class Rotated implements QuarkusTestProfile {

        static final String OLD = "integration-hub.test.old-keyset";
        private static final String ROTATED = "integration-hub.test.rotated-keyset";

        /** The same keysets however often Quarkus asks (the properties outlive class loaders). */
        @Override
        public Map<String, String> getConfigOverrides() {
            synchronized (System.class) {
                if (System.getProperty(ROTATED) == null) {
                    KeysetHandle old = Keysets.generate();
                    System.setProperty(OLD, Keysets.toJson(old));
                    System.setProperty(ROTATED, Keysets.toJson(Keysets.rotate(old)));
                }
            }
            return Map.of("hub.crypto.keyset", System.getProperty(ROTATED));
        }
    }

    @Inject
    GrantReencryption reencryption;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    GrantTokens tokens;

    @Inject
    SecretCipher cipher;

    @Inject
    TestClock clock;

    @Inject
    DataSource dataSource;

    @Test
    void aGrantUnderTheOldKeyMovesToThePrimaryKey() throws SQLException {
        String access = secret("ya29.old-key");
        String refresh = secret("1//old-key");
        Connection connection = underTheOldKey(access, refresh);

        assertThat(reencryption.reencrypt()).isPositive();

        Connection after = fixtures.find(connection.id);
        assertThat(SecretCipher.keyId(after.refreshTokenCiphertext)).isEqualTo(cipher.primaryKeyId() & 0xFFFFFFFFL);
        assertThat(SecretCipher.keyId(after.accessTokenCiphertext)).isEqualTo(cipher.primaryKeyId() & 0xFFFFFFFFL);
    }

    @Test
    void aMovedGrantStillHoldsItsTokens() throws SQLException {
        String access = secret("ya29.kept");
        String refresh = secret("1//kept");
        Connection connection = underTheOldKey(access, refresh);

        reencryption.reencrypt();

        Connection after = fixtures.find(connection.id);
        assertThat(tokens.accessToken(after)).contains(access);
        assertThat(tokens.refreshToken(after)).contains(refresh);
    }

    @Test
    void aMovedGrantIsBoundToItsUserAndAccount() throws SQLException {
        Connection connection = underTheOldKey(secret("ya29.rebound"), secret("1//rebound"));

        reencryption.reencrypt();

        assertThat(fixtures.find(connection.id).tokenBinding).isEqualTo(GrantTokens.OWNER_BOUND);
    }

    @Test
    void aGrantBeingRefreshedIsLeftForALaterRun() throws SQLException {
        Connection connection = underTheOldKey(secret("ya29.leased"), secret("1//leased"));
        DatabaseRows.updateOne(dataSource, "UPDATE integration_tokens SET refresh_lease_until = ? WHERE id = ?",
                Timestamp.from(clock.instant().plusSeconds(60)), connection.id);

        reencryption.reencrypt();

        assertThat(SecretCipher.keyId(fixtures.find(connection.id).refreshTokenCiphertext))
                .isNotEqualTo(cipher.primaryKeyId() & 0xFFFFFFFFL);
    }

    /** A stored grant whose tokens the old key (no longer primary) encrypted, bound as before V6. */
    private Connection underTheOldKey(String access, String refresh) throws SQLException {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("rotation"), "gmail", "r@example.com", access,
                refresh);
        SecretCipher old = new SecretCipher(Keysets.parse(System.getProperty(Rotated.OLD)));
        DatabaseRows.updateOne(dataSource,
                "UPDATE integration_tokens SET access_token_ciphertext = ?, refresh_token_ciphertext = ?,"
                        + " token_binding = 1 WHERE id = ?",
                old.encryptString(access, new AssociatedData(GrantTokens.ACCESS_TOKEN, connection.id)),
                old.encryptString(refresh, new AssociatedData(GrantTokens.REFRESH_TOKEN, connection.id)), connection.id);
        return connection;
    }

}
