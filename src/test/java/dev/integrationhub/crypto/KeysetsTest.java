package dev.integrationhub.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.google.crypto.tink.KeysetHandle;

/**
 * Two-phase key rotation: {@code add} gives every replica the new key before {@code promote} makes any of them
 * encrypt with it, so no replica ever meets a ciphertext it cannot read.
 */
class KeysetsTest {

    private static final AssociatedData DATA = new AssociatedData("test.secret", UUID.randomUUID());

    @Test
    void anAddedKeyIsNotThePrimary() {
        KeysetHandle original = Keysets.generate();

        KeysetHandle added = Keysets.add(original);

        assertThat(added.size()).isEqualTo(2);
        assertThat(added.getPrimary().getId()).isEqualTo(original.getPrimary().getId());
    }

    @Test
    void aKeysetWithAnAddedKeyStillEncryptsWithTheOldPrimary() {
        KeysetHandle original = Keysets.generate();

        byte[] ciphertext = new SecretCipher(Keysets.add(original)).encryptString("secret", DATA);

        assertThat(SecretCipher.keyId(ciphertext)).isEqualTo(original.getPrimary().getId() & 0xFFFFFFFFL);
    }

    @Test
    void promotionMakesTheAddedKeyThePrimary() {
        KeysetHandle added = Keysets.add(Keysets.generate());

        KeysetHandle promoted = Keysets.promote(added);

        assertThat(promoted.getPrimary().getId()).isEqualTo(added.getAt(1).getId());
    }

    @Test
    void secretsWrittenBeforeThePromotionStayReadableAfterIt() {
        KeysetHandle added = Keysets.add(Keysets.generate());
        byte[] before = new SecretCipher(added).encryptString("before", DATA);

        SecretCipher promoted = new SecretCipher(Keysets.promote(added));

        assertThat(promoted.decryptString(before, DATA)).isEqualTo("before");
    }

    @Test
    void aNewReplicaWithTheAddedKeyReadsWhatAPromotedReplicaWrites() {
        KeysetHandle added = Keysets.add(Keysets.generate());
        byte[] written = new SecretCipher(Keysets.promote(added)).encryptString("after", DATA);

        assertThat(new SecretCipher(added).decryptString(written, DATA)).isEqualTo("after");
    }

    @Test
    void promotingWithoutAnAddedKeyIsRefused() {
        assertThatThrownBy(() -> Keysets.promote(Keysets.generate())).isInstanceOf(Keysets.InvalidKeysetException.class)
                .hasMessageContaining("already the primary");
    }
}
