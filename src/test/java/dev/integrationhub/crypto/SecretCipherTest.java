package dev.integrationhub.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.PredefinedAeadParameters;

/**
 * Tokens are encrypted with Tink AES-256-GCM bound to their row and kind: nothing readable in the ciphertext, no
 * decryption elsewhere or after tampering, key rotation without re-encryption, and keysets checked on load.
 */
class SecretCipherTest {

    private static final String SECRET = "ya29.a0-access-token-value";
    private static final UUID ROW = UUID.randomUUID();
    private static final AssociatedData ACCESS = new AssociatedData("integration_tokens.access_token", ROW);

    private final SecretCipher cipher = new SecretCipher(Keysets.generate());

    @Test
    void aSecretSurvivesTheRoundTrip() {
        byte[] ciphertext = cipher.encryptString(SECRET, ACCESS);

        assertThat(cipher.decryptString(ciphertext, ACCESS)).isEqualTo(SECRET);
    }

    @Test
    void theCiphertextDoesNotShowTheSecret() {
        byte[] ciphertext = cipher.encryptString(SECRET, ACCESS);

        assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
    }

    @Test
    void eachEncryptionUsesAFreshNonce() {
        byte[] ciphertext = cipher.encryptString(SECRET, ACCESS);

        assertThat(cipher.encryptString(SECRET, ACCESS)).as("fresh nonce each time").isNotEqualTo(ciphertext);
    }

    @Test
    void aCiphertextDoesNotDecryptForAnotherRow() {
        byte[] ciphertext = cipher.encryptString(SECRET, ACCESS);

        assertThatThrownBy(() -> cipher.decrypt(ciphertext, new AssociatedData(ACCESS.kind(), UUID.randomUUID())))
                .isInstanceOf(DecryptionFailedException.class).hasMessageNotContaining(SECRET);
    }

    @Test
    void aCiphertextDoesNotDecryptForAnotherKind() {
        byte[] ciphertext = cipher.encryptString(SECRET, ACCESS);

        assertThatThrownBy(() -> cipher.decrypt(ciphertext, new AssociatedData("integration_tokens.refresh_token", ROW)))
                .isInstanceOf(DecryptionFailedException.class);
    }

    @Test
    void anyTamperedByteIsDetected() {
        byte[] ciphertext = cipher.encryptString(SECRET, ACCESS);
        for (int i = 0; i < ciphertext.length; i++) {
            byte[] tampered = ciphertext.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> cipher.decrypt(tampered, ACCESS)).as("byte %d", i)
                    .isInstanceOf(DecryptionFailedException.class);
        }
    }

    @Test
    void aTruncatedCiphertextIsDetected() {
        byte[] ciphertext = cipher.encryptString(SECRET, ACCESS);
        byte[] truncated = java.util.Arrays.copyOf(ciphertext, ciphertext.length - 1);
        assertThatThrownBy(() -> cipher.decrypt(truncated, ACCESS)).isInstanceOf(DecryptionFailedException.class);
    }

    @Test
    void afterRotationOldCiphertextStillDecrypts() {
        KeysetHandle original = Keysets.generate();
        SecretCipher before = new SecretCipher(original);
        byte[] old = before.encryptString(SECRET, ACCESS);

        KeysetHandle rotated = Keysets.parse(Keysets.toJson(Keysets.rotate(original)));
        SecretCipher after = new SecretCipher(rotated);

        assertThat(rotated.size()).isEqualTo(2);
        assertThat(after.decryptString(old, ACCESS)).isEqualTo(SECRET);
        assertThat(keyIdOf(old)).isEqualTo(before.primaryKeyId());
    }

    @Test
    void afterRotationNewCiphertextUsesTheNewPrimary() {
        KeysetHandle original = Keysets.generate();
        SecretCipher before = new SecretCipher(original);

        KeysetHandle rotated = Keysets.parse(Keysets.toJson(Keysets.rotate(original)));
        SecretCipher after = new SecretCipher(rotated);
        byte[] fresh = after.encryptString(SECRET, ACCESS);

        assertThat(after.primaryKeyId()).isNotEqualTo(before.primaryKeyId());
        assertThat(keyIdOf(fresh)).isEqualTo(after.primaryKeyId());
        assertThatThrownBy(() -> before.decrypt(fresh, ACCESS)).as("the old keyset lacks the new key")
                .isInstanceOf(DecryptionFailedException.class);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = { "", "not json at all", "{\"primaryKeyId\": 1, \"key\": \"c2VjcmV0LWtleS1tYXRlcmlhbA==\"}" })
    void aMalformedKeysetIsRefusedWithoutQuotingIt(String input) {
        assertThatThrownBy(() -> Keysets.parse(input)).isInstanceOf(Keysets.InvalidKeysetException.class)
                .hasMessage("it is not a Tink JSON keyset").hasNoCause();
    }

    @Test
    void aKeysetWithAWeakerKeyIsRefused() throws GeneralSecurityException {
        String aes128 = Keysets.toJson(KeysetHandle.generateNew(PredefinedAeadParameters.AES128_GCM));
        assertThatThrownBy(() -> Keysets.parse(aes128)).isInstanceOf(Keysets.InvalidKeysetException.class)
                .hasMessageContaining("is not an AES-256-GCM key");
    }

    /** Tink's ciphertext starts with version byte 1 and the id of the key that made it. */
    private static int keyIdOf(byte[] ciphertext) {
        assertThat(ciphertext[0]).isEqualTo((byte) 1);
        return ByteBuffer.wrap(ciphertext, 1, 4).getInt();
    }
}
