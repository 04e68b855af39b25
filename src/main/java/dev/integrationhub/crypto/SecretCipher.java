package dev.integrationhub.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;

import dev.integrationhub.config.HubConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;

/**
 * The one way the hub encrypts secrets at rest: Tink AEAD with AES-256-GCM keys from {@code hub.crypto.keyset}.
 * The primary key encrypts; every key of the keyset decrypts, so keys rotate without downtime. Each
 * ciphertext is bound to its {@link AssociatedData}.
 *
 * <p>
 * Created at startup, so a missing or malformed keyset stops the service before it serves a request.
 */
@Startup
@ApplicationScoped
public class SecretCipher {

    private static final Logger LOG = Logger.getLogger(SecretCipher.class);
    static final String KEYSET_KEY = "hub.crypto.keyset (env HUB_CRYPTO_KEYSET)";

    private final Aead aead;
    private final int primaryKeyId;
    private final Set<Long> keyIds;

    @Inject
    SecretCipher(HubConfig config) {
        this(load(config, LaunchMode.current()));
    }

    /** A cipher over the given keyset; for tools and tests that hold a keyset of their own. */
    public SecretCipher(KeysetHandle keyset) {
        try {
            this.aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The keyset cannot make an AEAD", e);
        }
        this.primaryKeyId = keyset.getPrimary().getId();
        Set<Long> ids = new TreeSet<>();
        for (int i = 0; i < keyset.size(); i++) {
            ids.add(keyset.getAt(i).getId() & 0xFFFFFFFFL);
        }
        this.keyIds = Collections.unmodifiableSet(ids);
    }

    private static KeysetHandle load(HubConfig config, LaunchMode mode) {
        if (config.crypto().keyset().isEmpty()) {
            if (!mode.isDevOrTest()) {
                throw new IllegalStateException(KEYSET_KEY + " is not set. Secrets cannot be stored without it;"
                        + " make a keyset with `bin/keyset new` and give it to the service as a secret.");
            }
            LOG.warn("hub.crypto.keyset is not set: using an ephemeral key (dev and test mode only);"
                    + " secrets stored now cannot be read after a restart");
            return Keysets.generate();
        }
        try {
            return Keysets.parse(config.crypto().keyset().get());
        } catch (Keysets.InvalidKeysetException e) {
            throw new IllegalStateException(KEYSET_KEY + " is invalid: " + e.getMessage());
        }
    }

    /** The id of the key that encrypts; Tink writes it into the first bytes of each ciphertext. */
    public int primaryKeyId() {
        return primaryKeyId;
    }

    /** The first five bytes of every ciphertext the primary key makes: Tink's version byte and the key id. */
    public byte[] primaryPrefix() {
        return ByteBuffer.allocate(5).put((byte) 1).putInt(primaryKeyId).array();
    }

    /** The ids of every key of the keyset (as unsigned numbers, like {@link #keyId}). Not secret. */
    public Set<Long> keyIds() {
        return keyIds;
    }

    /**
     * The id of the key that made a ciphertext: Tink's output prefix is a version byte {@code 0x01} and the key id
     * (4 bytes, big-endian). Not secret; it names the key to add when a keyset cannot decrypt.
     *
     * @return the key id, or -1 if the ciphertext has no Tink prefix
     */
    public static long keyId(byte[] ciphertext) {
        if (ciphertext == null || ciphertext.length < 5 || ciphertext[0] != 1) {
            return -1;
        }
        return ByteBuffer.wrap(ciphertext, 1, 4).getInt() & 0xFFFFFFFFL;
    }

    public byte[] encrypt(byte[] plaintext, AssociatedData associatedData) {
        try {
            return aead.encrypt(plaintext, associatedData.bytes());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encrypt the " + associatedData.kind(), e);
        }
    }

    /** @throws DecryptionFailedException if the ciphertext was altered, moved, or made with an unknown key */
    public byte[] decrypt(byte[] ciphertext, AssociatedData associatedData) {
        try {
            return aead.decrypt(ciphertext, associatedData.bytes());
        } catch (GeneralSecurityException e) {
            throw new DecryptionFailedException(associatedData);
        }
    }

    public byte[] encryptString(String plaintext, AssociatedData associatedData) {
        return encrypt(plaintext.getBytes(StandardCharsets.UTF_8), associatedData);
    }

    public String decryptString(byte[] ciphertext, AssociatedData associatedData) {
        return new String(decrypt(ciphertext, associatedData), StandardCharsets.UTF_8);
    }
}
