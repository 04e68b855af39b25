package dev.integrationhub.telegram.rest;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** Body of {@code POST /api/integrations/{id}/verify}: the code the bot posted in the chat. */
public record VerifyChatRequest(@NotNull @Pattern(regexp = "[0-9]{6}", message = "must be the 6-digit code") String code) {
}
