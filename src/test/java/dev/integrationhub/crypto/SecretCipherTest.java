package dev.integrationhub.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.PredefinedAeadParameters;

class SecretCipherTest {

    private static final String SECRET = "ya29.a0-access-token-value";
    private static final UUID ROW = UUID.randomUUID();
    private static final AssociatedData ACCESS = new AssociatedData("integration_tokens.access_token", ROW);

    private final SecretCipher cipher = new SecretCipher(Keysets.generate());

    @Test
    void aSecretSurvivesTheRoundTripAndIsNotInTheCiphertext() {
        byte[] ciphertext = cipher.encryptString(SECRET, ACCESS);

        assertThat(cipher.decryptString(ciphertext, ACCESS)).isEqualTo(SECRET);
        assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
        assertThat(cipher.encryptString(SECRET, ACCESS)).as("fresh nonce each time").isNotEqualTo(ciphertext);
    }

    @Test
    void aCiphertextDoesNotDecryptForAnotherRowOrKind() {
        byte[] ciphertext = cipher.encryptString(SECRET, ACCESS);

        assertThatThrownBy(() -> cipher.decrypt(ciphertext, new AssociatedData(ACCESS.kind(), UUID.randomUUID())))
                .isInstanceOf(DecryptionFailedException.class).hasMessageNotContaining(SECRET);
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
        byte[] truncated = java.util.Arrays.copyOf(ciphertext, ciphertext.length - 1);
        assertThatThrownBy(() -> cipher.decrypt(truncated, ACCESS)).isInstanceOf(DecryptionFailedException.class);
    }

    @Test
    void afterRotationOldCiphertextStillDecryptsAndNewOnesUseTheNewPrimary() {
        KeysetHandle original = Keysets.generate();
        SecretCipher before = new SecretCipher(original);
        byte[] old = before.encryptString(SECRET, ACCESS);

        KeysetHandle rotated = Keysets.parse(Keysets.toJson(Keysets.rotate(original)));
        SecretCipher after = new SecretCipher(rotated);
        byte[] fresh = after.encryptString(SECRET, ACCESS);

        assertThat(rotated.size()).isEqualTo(2);
        assertThat(after.primaryKeyId()).isNotEqualTo(before.primaryKeyId());
        assertThat(after.decryptString(old, ACCESS)).isEqualTo(SECRET);
        assertThat(keyIdOf(old)).isEqualTo(before.primaryKeyId());
        assertThat(keyIdOf(fresh)).isEqualTo(after.primaryKeyId());
        assertThatThrownBy(() -> before.decrypt(fresh, ACCESS)).as("the old keyset lacks the new key")
                .isInstanceOf(DecryptionFailedException.class);
    }

    @Test
    void aMalformedKeysetIsRefusedWithoutQuotingIt() {
        String secretLookingInput = "{\"primaryKeyId\": 1, \"key\": \"c2VjcmV0LWtleS1tYXRlcmlhbA==\"}";
        for (String input : new String[] { "", "not json at all", secretLookingInput }) {
            assertThatThrownBy(() -> Keysets.parse(input)).isInstanceOf(Keysets.InvalidKeysetException.class)
                    .hasMessage("it is not a Tink JSON keyset").hasNoCause();
        }
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
