package dev.integrationhub.oauth.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/integrations/connect}.
 *
 * @param integrationType what to connect: {@code gmail}, {@code google_drive}, or another configured type
 * @param returnTo the web app's path to come back to (default {@code /integrations})
 * @param display {@code redirect} (default) or {@code popup}
 */
public record ConnectRequest(
        @NotBlank @Size(max = 32) String integrationType,
        @Size(max = 200) String returnTo,
        @Pattern(regexp = "redirect|popup", message = "must be redirect or popup") String display) {
}
