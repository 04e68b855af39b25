package dev.integrationhub.sandbox.rest;

import java.time.Duration;
import java.util.List;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.sandbox.SandboxBot;
import dev.integrationhub.sandbox.service.RecentItems;
import dev.integrationhub.sandbox.service.SandboxAuthorizationServer;
import dev.integrationhub.sandbox.service.SandboxAuthorizationServer.GrantView;
import dev.integrationhub.sandbox.service.SandboxFaults;
import dev.integrationhub.sandbox.service.SandboxFaults.Outage;
import dev.integrationhub.sandbox.service.SandboxGoogleApis;
import dev.integrationhub.sandbox.service.SandboxGoogleApis.SentMail;
import dev.integrationhub.sandbox.service.SandboxGoogleApis.StoredFile;
import dev.integrationhub.sandbox.service.SandboxTelegram;
import dev.integrationhub.sandbox.service.SandboxTelegram.Chat;
import dev.integrationhub.sandbox.service.SandboxTelegram.ChatMessage;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The sandbox console at {@code /sandbox/console}: what the hub did against the sandbox (grants, mails sent, files
 * uploaded, Telegram chats and bot messages; never a token or a mail's or file's content), and faults on demand:
 * revoke a grant or withdraw one of its scopes, make the token endpoint fail for a while, block the bot in a chat.
 * Every form answers 303 back to the console. Off, it is {@code 404}.
 */
@Path("/sandbox/console")
public class SandboxConsoleResource {

    private static final String CONSOLE = "/sandbox/console";

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance console(List<GrantView> grants, Outage outage,
                RecentItems.Listing<SentMail> mails, RecentItems.Listing<StoredFile> files, String bot, List<Chat> chats,
                RecentItems.Listing<ChatMessage> messages, String chatPath);
    }

    private final SandboxAuthorizationServer server;
    private final SandboxFaults faults;
    private final SandboxGoogleApis google;
    private final SandboxTelegram telegram;
    private final SandboxPages pages;

    SandboxConsoleResource(SandboxAuthorizationServer server, SandboxFaults faults, SandboxGoogleApis google,
            SandboxTelegram telegram, HubConfig config) {
        this.server = server;
        this.faults = faults;
        this.google = google;
        this.telegram = telegram;
        this.pages = new SandboxPages(config);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response console() {
        pages.requireEnabled();
        return SandboxPages.page(200, Templates.console(server.grants(), faults.tokenEndpointOutage().orElse(null),
                google.mails(), google.files(), telegram.botUsername().orElse(null), telegram.chats(),
                telegram.messages(), SandboxBot.CHAT_PATH));
    }

    @POST
    @Path("grants/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response revoke(@HeaderParam("Origin") String origin, @FormParam("grant") String grant) {
        pages.requireEnabled();
        pages.requireOwnOrigin(origin);
        server.revokeGrant(grant);
        return SandboxPages.seeOther(CONSOLE);
    }

    @POST
    @Path("grants/withdraw-scope")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response withdrawScope(@HeaderParam("Origin") String origin, @FormParam("grant") String grant,
            @FormParam("scope") String scope) {
        pages.requireEnabled();
        pages.requireOwnOrigin(origin);
        server.withdrawScope(grant, scope);
        return SandboxPages.seeOther(CONSOLE);
    }

    @POST
    @Path("token-endpoint/fail")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response failTokenEndpoint(@HeaderParam("Origin") String origin, @FormParam("status") int status,
            @FormParam("seconds") long seconds) {
        pages.requireEnabled();
        pages.requireOwnOrigin(origin);
        try {
            faults.failTokenEndpoint(status, Duration.ofSeconds(seconds));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        return SandboxPages.seeOther(CONSOLE);
    }

    @POST
    @Path("token-endpoint/heal")
    @Operation(hidden = true)
    public Response healTokenEndpoint(@HeaderParam("Origin") String origin) {
        pages.requireEnabled();
        pages.requireOwnOrigin(origin);
        faults.healTokenEndpoint();
        return SandboxPages.seeOther(CONSOLE);
    }

    @POST
    @Path("telegram/block")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response block(@HeaderParam("Origin") String origin, @FormParam("chat") long chat,
            @FormParam("blocked") boolean blocked) {
        pages.requireEnabled();
        pages.requireOwnOrigin(origin);
        telegram.block(chat, blocked);
        return SandboxPages.seeOther(CONSOLE);
    }
}
