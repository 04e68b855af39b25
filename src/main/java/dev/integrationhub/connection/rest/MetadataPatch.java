package dev.integrationhub.connection.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Body of {@code PATCH /api/integrations/{id}}: the complete user-editable metadata. Unknown fields are
 * rejected.
 */
public record MetadataPatch(@NotNull @Valid Metadata metadata) {

    /**
     * @param defaultChatId the Telegram chat messages go to by default: a numeric chat id or an
     *        {@code @channelname}; {@code null} removes it (Telegram connections only)
     * @param showMailDetails whether the connection's activity shows sent mails' recipients and subject; absent or
     *        {@code false}: their count and message id only (Gmail connections only)
     */
    public record Metadata(
            @Pattern(regexp = "-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}", message = "must be a numeric Telegram chat id or an @channel name") String defaultChatId,
            Boolean showMailDetails) {
    }
}
