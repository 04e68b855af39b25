package dev.integrationhub.oauth.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/integrations/confirm}.
 *
 * @param confirmation the one-time code the callback delivered to the browser ({@code #confirmation=} or the popup
 *        message's {@code confirmation})
 */
public record ConfirmRequest(@NotBlank @Size(max = 100) String confirmation) {

    @Override
    public String toString() {
        return "ConfirmRequest[…]";
    }
}
