package dev.integrationhub.crypto;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a ciphertext belongs to: the kind of secret, the row that holds it and, where it has one, whose it is. It
 * is authenticated (not encrypted) with the ciphertext, so a ciphertext copied to another row, used as another
 * kind of secret, or left in a row handed to another user or account, fails to decrypt.
 *
 * @param kind what the secret is, e.g. {@code integration_tokens.access_token}
 * @param ownerId the id of the row that holds the ciphertext
 * @param owners whose the secret is, e.g. the user and provider account of a grant; empty for none
 */
public record AssociatedData(String kind, UUID ownerId, List<String> owners) {

    public AssociatedData {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(ownerId, "ownerId");
        owners = List.copyOf(owners);
        if (kind.isBlank() || kind.indexOf('|') >= 0) {
            throw new IllegalArgumentException("kind must be a non-blank name without '|'");
        }
    }

    /** A secret that belongs to its row alone. */
    public AssociatedData(String kind, UUID ownerId) {
        this(kind, ownerId, List.of());
    }

    byte[] bytes() {
        StringBuilder data = new StringBuilder("integration-hub|").append(kind).append('|').append(ownerId);
        // Length-prefixed, so that no two lists of owners read the same.
        owners.forEach(owner -> data.append('|').append(owner.length()).append(':').append(owner));
        return data.toString().getBytes(StandardCharsets.UTF_8);
    }
}
