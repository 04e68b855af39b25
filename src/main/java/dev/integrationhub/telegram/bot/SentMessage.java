package dev.integrationhub.telegram.bot;

/**
 * A message the bot sent, as Telegram numbered it: the pair identifies it for later edits or deletion.
 *
 * @param messageId the message's id within its chat
 * @param chatId the chat's numeric id (also when the message was addressed to {@code @channelusername})
 */
public record SentMessage(long messageId, long chatId) {
}
