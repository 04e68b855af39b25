package dev.integrationhub.telegram.rest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.telegram.service.TelegramUpdates;
import io.quarkus.security.UnauthorizedException;

/**
 * Where Telegram posts the bot's updates. Only a request carrying the webhook secret
 * ({@code X-Telegram-Bot-Api-Secret-Token}, compared in constant time) is read at all; anything else is 401.
 * Every update that is read gets a 200 at once, even one that is ignored or malformed, so that Telegram does not
 * deliver it again forever.
 */
@Path("/api/integrations/telegram/webhook")
public class TelegramWebhookResource {

    private static final Logger LOG = Logger.getLogger(TelegramWebhookResource.class);

    private final TelegramUpdates updates;
    private final ObjectMapper json;
    private final Optional<byte[]> secret;

    TelegramWebhookResource(TelegramUpdates updates, ObjectMapper json, HubConfig config) {
        this.updates = updates;
        this.json = json;
        this.secret = config.telegram().botToken().flatMap(token -> config.telegram().webhookSecret())
                .map(value -> value.getBytes(StandardCharsets.UTF_8));
    }

    @POST
    @Operation(summary = "Telegram's updates for the platform bot (secret header checked): binds chats by deep link.")
    public Response update(@HeaderParam("X-Telegram-Bot-Api-Secret-Token") String presented, InputStream body)
            throws IOException {
        if (presented == null || secret.isEmpty()
                || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), secret.get())) {
            throw new UnauthorizedException();
        }
        JsonNode update;
        try {
            update = json.readTree(body);
        } catch (JsonProcessingException e) {
            LOG.debug("Ignored a Telegram update that is not JSON");
            return Response.ok().build();
        }
        if (update != null && update.isObject()) {
            updates.handle(update);
        }
        return Response.ok().build();
    }
}
