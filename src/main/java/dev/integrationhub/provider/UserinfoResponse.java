package dev.integrationhub.provider;

import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A provider's OIDC userinfo answer as read, before it is trusted; {@link #toAccount} decides what of it names
 * the account. Read with the hub's managed JSON mapper, so its limits apply.
 *
 * @param email any JSON value: only a string is taken as the address, anything else is ignored
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
record UserinfoResponse(String sub, JsonNode email) {

    static final int MAX_SUBJECT_LENGTH = 255;
    static final int MAX_EMAIL_LENGTH = 320;

    /** The account, or empty if the answer has no usable {@code sub} (1 to 255 characters). */
    Optional<ProviderAccount> toAccount() {
        if (sub == null || sub.isEmpty() || sub.length() > MAX_SUBJECT_LENGTH) {
            return Optional.empty();
        }
        String address = email != null && email.isTextual() && email.asText().length() <= MAX_EMAIL_LENGTH
                ? email.asText()
                : null;
        return Optional.of(new ProviderAccount(sub, address));
    }
}
