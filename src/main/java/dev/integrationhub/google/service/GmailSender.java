package dev.integrationhub.google.service;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.FileContent;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.Message;

import dev.integrationhub.auth.CurrentCaller.Caller;
import dev.integrationhub.auth.CurrentCaller.PlatformService;
import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.ConnectionFact;
import dev.integrationhub.connection.ConnectionIds;
import dev.integrationhub.connection.service.ActionTargets;
import dev.integrationhub.connection.service.ActionTargets.ActionTarget;
import dev.integrationhub.connection.service.ConnectionUses;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.google.rest.SendMailRequest;
import dev.integrationhub.idempotency.AtMostOnce;
import dev.integrationhub.idempotency.OutcomeUnknownException;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Sends mail from a connected Gmail account, at most once. The MIME is built and checked first; then, with an
 * {@code Idempotency-Key}, the request is recorded, so a repeat returns the first result instead of a second
 * mail; then the message goes to Gmail's media upload endpoint ({@code message/rfc822}) in one request, which is
 * sent again only when Google refused its token. Gmail has no idempotency of its own and, with {@code gmail.send}
 * alone, a sent message cannot be looked up: a send whose answer never came is recorded as unknown and never
 * repeated by the hub.
 */
@ApplicationScoped
public class GmailSender {

    static final String INTEGRATION_TYPE = "gmail";
    static final String SEND_SCOPE = "https://www.googleapis.com/auth/gmail.send";
    private static final String OPERATION = "gmail.send";

    /** What Gmail answered for a sent message. */
    public record SentMail(String messageId, String threadId) {
    }

    private final ActionTargets targets;
    private final GoogleApis apis;
    private final GoogleFailures failures;
    private final AtMostOnce once;
    private final ConnectionUses uses;
    private final MimeComposer composer;

    GmailSender(ActionTargets targets, GoogleApis apis, GoogleFailures failures, AtMostOnce once, ConnectionUses uses,
            HubConfig config, InstantSource clock) {
        this.targets = targets;
        this.apis = apis;
        this.failures = failures;
        this.once = once;
        this.uses = uses;
        this.composer = new MimeComposer(config.gmail().maxMessageSize().asLongValue(), clock);
    }

    /**
     * Sends the message.
     *
     * @param idempotencyKey required for platform services, optional for people
     * @throws ProblemException 400 invalid message, 413 too large, 404/409 connection, 409
     *         {@code request_in_progress}, 422 key reused, 409 {@code reauth_required}, 503 Google unavailable
     *         (nothing sent), 502 {@code outcome_unknown} (maybe sent; not repeated)
     */
    @WithSpan("action.gmail_send")
    public SentMail send(Caller caller, SendMailRequest request, Optional<String> idempotencyKey) {
        AtMostOnce.requireKey(caller instanceof PlatformService, idempotencyKey);
        Optional<UUID> connectionId = Optional.ofNullable(request.connectionId()).map(ConnectionIds::parse);
        ActionTarget target = targets.resolve(caller, INTEGRATION_TYPE, connectionId);
        try (ComposedMessage message = composer.compose(target.account(), request)) {
            return once.run(caller.scope(), idempotencyKey, OPERATION, new Fingerprinted(target.id(), request),
                    SentMail.class, () -> deliver(caller, target, message, request));
        }
    }

    /** What makes two requests the same: the connection they act with and the message. */
    @RegisterForReflection // hashed as JSON by the ObjectMapper
    private record Fingerprinted(UUID connectionId, SendMailRequest request) {
    }

    private SentMail deliver(Caller caller, ActionTarget target, ComposedMessage message, SendMailRequest request) {
        SentMail sent = upload(target, message);
        List<String> recipients = Stream.of(request.to(), request.cc(), request.bcc()).flatMap(List::stream).toList();
        uses.record(caller, target.id(), target.userId(), "action.gmail_send",
                Map.of("size", message.size(), "recipients", message.recipients(), "message_id", sent.messageId()),
                new ConnectionFact.MailSent(recipients, request.subject(), sent.messageId()));
        return sent;
    }

    private SentMail upload(ActionTarget target, ComposedMessage message) {
        Gmail gmail = apis.gmail(target);
        try {
            Gmail.Users.Messages.Send send = gmail.users().messages().send("me", null,
                    new FileContent("message/rfc822", message.file().toFile()));
            send.getMediaHttpUploader().setDirectUploadEnabled(true);
            send.setFields("id,threadId");
            Message sent = send.execute();
            return new SentMail(sent.getId(), sent.getThreadId());
        } catch (GoogleJsonResponseException e) {
            throw failures.of(e, target, OPERATION, SEND_SCOPE);
        } catch (ConnectException | NoRouteToHostException | UnknownHostException e) {
            throw GoogleFailures.unavailable();
        } catch (IOException e) {
            throw new OutcomeUnknownException("the message");
        }
    }
}
