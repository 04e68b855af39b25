package dev.integrationhub.crypto;

/**
 * A ciphertext could not be decrypted: it was altered, belongs to another row or kind, or was made with a
 * key that is no longer in the keyset. The message names only the associated data, never a secret.
 */
public class DecryptionFailedException extends RuntimeException {

    DecryptionFailedException(AssociatedData associatedData) {
        super("Cannot decrypt the " + associatedData.kind() + " of " + associatedData.ownerId());
    }
}
