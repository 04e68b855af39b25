package dev.integrationhub.google.rest;

import java.util.Optional;

import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.integrationhub.auth.CurrentCaller;
import dev.integrationhub.google.service.GmailSender;
import dev.integrationhub.google.service.GmailSender.SentMail;

/** Sends mail from a connected Gmail account, for the web app (the person's own) and platform services. */
@Path("/api/integrations/gmail/send")
public class GmailResource {

    private final GmailSender sender;
    private final CurrentCaller caller;

    GmailResource(GmailSender sender, CurrentCaller caller) {
        this.sender = sender;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a message from a connected Gmail account, at most once per Idempotency-Key.")
    public SentMail send(@NotNull SendMailRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return sender.send(caller.caller(), request, Optional.ofNullable(idempotencyKey));
    }
}
