package dev.integrationhub.telegram.rest;

import java.util.Optional;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.integrationhub.auth.CurrentCaller;
import dev.integrationhub.auth.CurrentUser;
import dev.integrationhub.connection.ConnectionIds;
import dev.integrationhub.connection.rest.ConnectionView;
import dev.integrationhub.telegram.service.TelegramChats;
import dev.integrationhub.telegram.service.TelegramSender;
import dev.integrationhub.telegram.service.TelegramSender.SentTelegram;

/** Telegram for the web app and platform services: send through the platform's bot, verify a chat. */
@Path("/api/integrations")
@Produces(MediaType.APPLICATION_JSON)
public class TelegramResource {

    private final TelegramSender sender;
    private final TelegramChats chats;
    private final CurrentCaller caller;
    private final CurrentUser user;

    TelegramResource(TelegramSender sender, TelegramChats chats, CurrentCaller caller, CurrentUser user) {
        this.sender = sender;
        this.chats = chats;
        this.caller = caller;
        this.user = user;
    }

    @POST
    @Path("telegram/send")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a message to a Telegram connection's verified chat, at most once per Idempotency-Key.")
    public SentTelegram send(@NotNull SendTelegramRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return sender.send(caller.caller(), request, Optional.ofNullable(idempotencyKey));
    }

    @POST
    @Path("{id}/verify")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Verify the chat set as default_chat_id with the code the bot posted there (5 tries).")
    public ConnectionView verify(@PathParam("id") String id, @NotNull @Valid VerifyChatRequest request) {
        return chats.verify(user.id(), ConnectionIds.parse(id), request.code());
    }
}
