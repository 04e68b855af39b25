package dev.integrationhub.telegram.rest;

/**
 * Body of {@code POST /api/integrations/telegram/send}.
 *
 * @param text 1–4096 characters (more with {@code split})
 * @param connectionId the telegram connection; optional for a person with only one
 * @param chatId one of the connection's verified chats; default: its default chat
 * @param parseMode {@code MarkdownV2} or {@code HTML}; default plain text
 * @param split send a longer text as several messages
 */
public record SendTelegramRequest(String text, String connectionId, String chatId, String parseMode,
        Boolean disableNotification, Boolean split) {
}
