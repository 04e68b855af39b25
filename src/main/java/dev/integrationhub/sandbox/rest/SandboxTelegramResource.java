package dev.integrationhub.sandbox.rest;

import java.util.List;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.sandbox.SandboxBot;
import dev.integrationhub.sandbox.service.SandboxTelegram;
import dev.integrationhub.sandbox.service.SandboxTelegram.Answer;
import dev.integrationhub.sandbox.service.SandboxTelegram.Chat;
import dev.integrationhub.sandbox.service.SandboxTelegram.ChatMessage;
import dev.integrationhub.sandbox.service.SandboxTelegram.Delivery;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The sandbox's Telegram over HTTP: the Bot API at {@code /sandbox/telegram/bot<token>/<method>} (the hub's
 * {@code hub.telegram.api-root-url} in dev mode), and the chat page the hub's deep links open
 * ({@code /sandbox/telegram/chat/<bot>?start=<code>}, the stand-in for {@code https://t.me}), where pressing Start
 * sends {@code /start <code>} to the hub's webhook and the bot's messages in the chat appear. Off, every endpoint is
 * {@code 404}.
 */
@Path(SandboxBot.API_PATH)
public class SandboxTelegramResource {

    /** The name offered on the chat page. */
    static final String DEFAULT_NAME = "alice";

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance chat(String bot, String start, String name, Chat chat, List<ChatMessage> messages,
                String problem);
    }

    private final SandboxTelegram telegram;
    private final SandboxPages pages;

    SandboxTelegramResource(SandboxTelegram telegram, HubConfig config) {
        this.telegram = telegram;
        this.pages = new SandboxPages(config);
    }

    @POST
    @Path("{bot}/{method}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Response botApi(@PathParam("bot") String bot, @PathParam("method") String method, byte[] body) {
        pages.requireEnabled();
        Answer answer = telegram.call(bot, method, body);
        return Response.status(answer.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(answer.body()).build();
    }

    @GET
    @Path("chat/{bot}")
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response chat(@PathParam("bot") String bot, @QueryParam("start") String start, @QueryParam("chat") Long chatId) {
        pages.requireEnabled();
        requireBot(bot);
        Chat chat = chatId == null ? null : telegram.chat(chatId).orElse(null);
        List<ChatMessage> messages = chat == null ? List.of() : telegram.messagesOf(chat.id());
        return SandboxPages.page(200, Templates.chat(bot, start, chat == null ? DEFAULT_NAME : chat.name(), chat,
                messages, null));
    }

    @POST
    @Path("chat/{bot}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response start(@PathParam("bot") String bot, @HeaderParam("Origin") String origin,
            @FormParam("name") String name, @FormParam("start") String start) {
        pages.requireEnabled();
        pages.requireOwnOrigin(origin);
        requireBot(bot);
        Delivery delivery;
        try {
            delivery = telegram.start(name, start == null || start.isEmpty() ? null : start);
        } catch (IllegalArgumentException e) {
            return SandboxPages.page(400, Templates.chat(bot, start, name, null, List.of(),
                    "Type a Telegram username: 3-32 letters, digits or _, starting with a letter."));
        }
        if (delivery.status() != 200) {
            Chat chat = telegram.chat(delivery.chatId()).orElse(null);
            return SandboxPages.page(502, Templates.chat(bot, null, name, chat, telegram.messagesOf(delivery.chatId()),
                    "The hub's webhook did not take the update (HTTP " + delivery.status() + ")."));
        }
        return SandboxPages.seeOther(SandboxBot.CHAT_PATH + "/" + bot + "?chat=" + delivery.chatId());
    }

    private void requireBot(String bot) {
        if (telegram.botUsername().filter(bot::equals).isEmpty()) {
            throw new BadRequestException("no such bot");
        }
    }
}
