package dev.integrationhub.crypto;

import java.security.GeneralSecurityException;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;

/**
 * Reads, makes and rotates Tink JSON keysets of AES-256-GCM keys. Error messages never contain key
 * material or the keyset text.
 */
public final class Keysets {

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Keysets() {
    }

    /** A keyset with one fresh AES-256-GCM key. */
    public static KeysetHandle generate() {
        try {
            return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate an AES-256-GCM key", e);
        }
    }

    /**
     * The keyset with a fresh AES-256-GCM key added as the new primary; the old keys still decrypt. For a single
     * replica; with several, {@link #add} then {@link #promote}, so every replica can read the new key before any
     * writes with it.
     */
    public static KeysetHandle rotate(KeysetHandle keyset) {
        return promote(add(keyset));
    }

    /** Phase one of a rotation: the keyset with a fresh AES-256-GCM key that decrypts but does not encrypt yet. */
    public static KeysetHandle add(KeysetHandle keyset) {
        try {
            return KeysetHandle.newBuilder(keyset)
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId())
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot add a key to the keyset", e);
        }
    }

    /**
     * Phase two of a rotation, once every replica runs with the added key: the newest key becomes the primary.
     *
     * @throws InvalidKeysetException if the newest key is already the primary
     */
    public static KeysetHandle promote(KeysetHandle keyset) {
        int newest = keyset.size() - 1;
        if (keyset.getAt(newest).isPrimary()) {
            throw new InvalidKeysetException("its newest key " + (keyset.getAt(newest).getId() & 0xFFFFFFFFL)
                    + " is already the primary; add a key first");
        }
        try {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(keyset);
            builder.getAt(newest).makePrimary();
            return builder.build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot promote a key of the keyset", e);
        }
    }

    /**
     * Parses a Tink JSON keyset and checks that every key is AES-256-GCM.
     *
     * @throws InvalidKeysetException naming what is wrong, never quoting the input
     */
    public static KeysetHandle parse(String json) {
        KeysetHandle keyset;
        try {
            keyset = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            // The parser's message may quote the input, which is a secret: drop it and its cause.
            throw new InvalidKeysetException("it is not a Tink JSON keyset");
        }
        for (int i = 0; i < keyset.size(); i++) {
            if (!(keyset.getAt(i).getKey().getParameters() instanceof AesGcmParameters aesGcm)
                    || aesGcm.getKeySizeBytes() != 32) {
                throw new InvalidKeysetException("key " + keyset.getAt(i).getId() + " is not an AES-256-GCM key");
            }
        }
        return keyset;
    }

    /** The keyset as Tink JSON, key material included. */
    public static String toJson(KeysetHandle keyset) {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot serialize the keyset", e);
        }
    }

    /** A keyset that cannot be used; the message says why without quoting it. */
    public static final class InvalidKeysetException extends RuntimeException {

        InvalidKeysetException(String reason) {
            super(reason);
        }
    }
}
