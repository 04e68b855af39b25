package dev.integrationhub.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.crypto.AssociatedData;
import dev.integrationhub.crypto.DecryptionFailedException;
import dev.integrationhub.crypto.SecretCipher;
import dev.integrationhub.provider.Grant;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.DatabaseRows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/** Tokens in the database are ciphertext bound to their row, as a database reader would find them. */
@QuarkusTest
class GrantStorageTest {

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    GrantTokens tokens;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SecretCipher cipher;

    @Test
    void theDatabaseHoldsNoPlaintextToken() throws SQLException {
        String access = "ya29.plaintext-access-" + UUID.randomUUID();
        String refresh = "1//plaintext-refresh-" + UUID.randomUUID();
        var connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "a@example.com", access, refresh);

        DatabaseRows.assertNoPlaintext(dataSource, "integration_tokens", "id", connection.id, access, refresh,
                "plaintext");

        var stored = fixtures.find(connection.id);
        assertThat(tokens.accessToken(stored)).contains(access);
        assertThat(tokens.refreshToken(stored)).contains(refresh);
    }

    @Test
    void aCiphertextCopiedToAnotherRowDoesNotDecrypt() throws SQLException {
        var victim = fixtures.create(ConnectionFixtures.newUser("victim"), "gmail", "v@example.com", "victim-access",
                "victim-refresh");
        var attacker = fixtures.create(ConnectionFixtures.newUser("attacker"), "gmail", "x@example.com",
                "attacker-access", "attacker-refresh");

        try (Connection db = dataSource.getConnection();
                PreparedStatement copy = db.prepareStatement(
                        "UPDATE integration_tokens SET access_token_ciphertext = v.access_token_ciphertext,"
                                + " refresh_token_ciphertext = v.access_token_ciphertext"
                                + " FROM integration_tokens v WHERE v.id = ? AND integration_tokens.id = ?")) {
            copy.setObject(1, victim.id);
            copy.setObject(2, attacker.id);
            assertThat(copy.executeUpdate()).isEqualTo(1);
        }

        var tampered = fixtures.find(attacker.id);
        assertThatThrownBy(() -> tokens.accessToken(tampered)).isInstanceOf(DecryptionFailedException.class)
                .hasMessageNotContaining("victim-access");
        assertThatThrownBy(() -> tokens.refreshToken(tampered)).as("an access token used as a refresh token")
                .isInstanceOf(DecryptionFailedException.class);
        assertThat(tokens.accessToken(fixtures.find(victim.id))).contains("victim-access");
    }

    @Test
    void aRowHandedToAnotherUserDoesNotDecrypt() throws SQLException {
        var connection = fixtures.create(ConnectionFixtures.newUser("victim"), "gmail", "v@example.com",
                "handed-access", "handed-refresh");

        DatabaseRows.updateOne(dataSource, "UPDATE integration_tokens SET user_id = ? WHERE id = ?",
                ConnectionFixtures.newUser("attacker"),
                connection.id);

        assertThatThrownBy(() -> tokens.accessToken(fixtures.find(connection.id)))
                .isInstanceOf(DecryptionFailedException.class);
    }

    @Test
    void aRowHandedToAnotherAccountDoesNotDecrypt() throws SQLException {
        var connection = fixtures.create(ConnectionFixtures.newUser("victim"), "gmail", "v@example.com",
                "moved-access", "moved-refresh");

        DatabaseRows.updateOne(dataSource, "UPDATE integration_tokens SET account_subject = ? WHERE id = ?",
                "sub-" + UUID.randomUUID(),
                connection.id);

        assertThatThrownBy(() -> tokens.refreshToken(fixtures.find(connection.id)))
                .isInstanceOf(DecryptionFailedException.class);
    }

    @Test
    void aRowWrittenBeforeOwnerBindingStillDecrypts() throws SQLException {
        var connection = fixtures.create(ConnectionFixtures.newUser("legacy"), "gmail", "l@example.com",
                "legacy-access", "legacy-refresh");

        DatabaseRows.updateOne(dataSource,
                "UPDATE integration_tokens SET access_token_ciphertext = ?, token_binding = 1 WHERE id = ?",
                cipher.encryptString("legacy-access", new AssociatedData(GrantTokens.ACCESS_TOKEN, connection.id)),
                connection.id);

        assertThat(tokens.accessToken(fixtures.find(connection.id))).contains("legacy-access");
    }

    @Test
    void storingWithoutARefreshTokenKeepsTheStoredOne() {
        var connection = fixtures.create(ConnectionFixtures.newUser("alice"), "gmail", "a@example.com", "access-1",
                "refresh-1");
        tokens.store(connection, new Grant("access-2", null, connection.tokenExpiresAt.plusSeconds(3600), List.of("openid")));

        assertThat(tokens.accessToken(connection)).contains("access-2");
        assertThat(tokens.refreshToken(connection)).contains("refresh-1");
    }
}
