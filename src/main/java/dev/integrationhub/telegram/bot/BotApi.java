package dev.integrationhub.telegram.bot;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The few Bot API methods the hub calls, as a typed REST client whose base URI is {@code <api-root>/bot<token>}
 * (built by {@link TelegramBot} only). Every method answers the raw {@link Response}: its body is read as a stream
 * with a size bound, and a non-2xx answer is Telegram's error JSON, not an exception of the client that would carry
 * the URL and so the token.
 */
interface BotApi extends AutoCloseable {

    @POST
    @Path("/getMe")
    @Produces(MediaType.APPLICATION_JSON)
    Response getMe();

    @POST
    @Path("/setWebhook")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response setWebhook(SetWebhook request);

    @POST
    @Path("/sendMessage")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response sendMessage(SendMessage request);

    /** Releases the client's connections. */
    @Override
    void close();

    /** The body of {@code setWebhook}. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SetWebhook(String url, String secretToken, List<String> allowedUpdates, boolean dropPendingUpdates) {

        /** Never shows the secret. */
        @Override
        public String toString() {
            return "SetWebhook[url=" + url + ", allowedUpdates=" + allowedUpdates + "]";
        }
    }

    /** The body of {@code sendMessage}; without a parse mode the text is sent as it is. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SendMessage(String chatId, String text, String parseMode, boolean disableNotification) {
    }
}
