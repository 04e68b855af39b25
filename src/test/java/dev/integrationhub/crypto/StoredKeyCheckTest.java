package dev.integrationhub.crypto;

import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.DatabaseRows;
import io.quarkus.test.junit.QuarkusTest;

/** The start-up check finds stored secrets whose key the keyset lacks, by the key id in each ciphertext. */
@QuarkusTest
class StoredKeyCheckTest {

    @Inject
    StoredKeyCheck check;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    DataSource dataSource;

    @Inject
    SecretCipher cipher;

    @Test
    void secretsUnderTheServicesKeysAreNotReported() {
        fixtures.create(ConnectionFixtures.newUser("keys"), "gmail", "k@example.com", secret("ya29.own"),
                secret("1//own"));

        assertThat(check.missingKeyIds()).doesNotContainAnyElementsOf(cipher.keyIds());
    }

    @Test
    void aSecretUnderAKeyTheKeysetLacksIsReportedByItsKeyId() throws SQLException {
        Connection connection = fixtures.create(ConnectionFixtures.newUser("keys"), "gmail", "k@example.com",
                secret("ya29.retired"), secret("1//retired"));
        byte[] foreign = new SecretCipher(Keysets.generate()).encryptString(secret("1//retired-key"),
                new AssociatedData(GrantTokens.REFRESH_TOKEN, connection.id));
        try {
            DatabaseRows.updateOne(dataSource, "UPDATE integration_tokens SET refresh_token_ciphertext = ? WHERE id = ?",
                    foreign, connection.id);

            assertThat(check.missingKeyIds()).contains(SecretCipher.keyId(foreign));
        } finally {
            DatabaseRows.updateOne(dataSource, "DELETE FROM integration_tokens WHERE id = ?", connection.id);
        }
    }

}
