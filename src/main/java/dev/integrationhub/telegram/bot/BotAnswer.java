package dev.integrationhub.telegram.bot;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Every answer of the Bot API as read: {@code {"ok":true,"result":...}} or
 * {@code {"ok":false,"error_code":429,"description":"...","parameters":{"retry_after":7}}}. Read with the hub's
 * managed JSON mapper, so its limits apply; only the fields the hub uses are kept.
 *
 * @param ok whether the method succeeded; null if the answer did not say
 * @param result what the method returned; its type depends on the method
 * @param errorCode Telegram's error code (the HTTP status), if the method failed
 * @param description Telegram's explanation of a failure, if any
 * @param parameters what would let the request succeed, if Telegram said
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record BotAnswer(Boolean ok, JsonNode result, Integer errorCode, String description, Parameters parameters) {

    /** Telegram's {@code ResponseParameters}. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Parameters(Integer retryAfter) {
    }

    /** Telegram's {@code User}, as {@code getMe} returns the bot. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record User(Long id, String username) {
    }

    /** Telegram's {@code Message}, as {@code sendMessage} returns the message sent. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Message(Long messageId, Chat chat) {
    }

    /** Telegram's {@code Chat}. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Chat(Long id) {
    }
}
