package dev.integrationhub.telegram.bot;

/**
 * Who the bot token belongs to, as {@code getMe} says: lets a deployment check that its token and
 * {@code hub.telegram.bot-username} name the same bot.
 *
 * @param id the bot's user id
 * @param username the bot's username, without {@code @}
 */
public record BotIdentity(long id, String username) {
}
