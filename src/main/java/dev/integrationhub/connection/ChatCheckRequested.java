package dev.integrationhub.connection;

import java.util.UUID;

/**
 * A user asked a connection's messages to go to a chat it has not verified (a Telegram group or channel). Fired
 * synchronously, in the transaction that stores the chat as pending, to the feature that owns the chat type: it
 * posts a code there that the user must type back; if it cannot, it throws, and nothing is stored.
 */
public record ChatCheckRequested(UUID connectionId, String chatId) {
}
