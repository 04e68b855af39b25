package dev.integrationhub.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * What a ciphertext belongs to: the kind of secret and the row that owns it. It is authenticated (not
 * encrypted) with the ciphertext, so a ciphertext copied to another row, or used as another kind of secret,
 * fails to decrypt.
 *
 * @param kind what the secret is, e.g. {@code integration_tokens.access_token}
 * @param ownerId the id of the row that holds the ciphertext
 */
public record AssociatedData(String kind, UUID ownerId) {

    public AssociatedData {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(ownerId, "ownerId");
        if (kind.isBlank() || kind.indexOf('|') >= 0) {
            throw new IllegalArgumentException("kind must be a non-blank name without '|'");
        }
    }

    byte[] bytes() {
        return ("integration-hub|" + kind + "|" + ownerId).getBytes(StandardCharsets.UTF_8);
    }
}
