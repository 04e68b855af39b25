package dev.integrationhub.testsupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * Gmail's and Drive's REST APIs as the hub's Google clients reach them ({@code hub.google.api-root-url}), stubbed
 * per test on the shared WireMock server, with Google's own error shapes.
 */
public final class FakeGoogleApis {

    /** Media uploads go to {@code /upload/...} at the root URL's host, whatever its path (as Google's clients do). */
    public static final String GMAIL_SEND = "/upload/gmail/v1/users/me/messages/send";
    public static final String DRIVE_UPLOAD = "/upload/drive/v3/files";

    private final WireMockServer server;

    public FakeGoogleApis(WireMockServer server) {
        this.server = server;
    }

    /** Gmail's media upload endpoint answers every send with this message. */
    public void gmailSends(String messageId, String threadId) {
        gmailAnswers(okJson("{\"id\":\"" + messageId + "\",\"threadId\":\"" + threadId + "\",\"labelIds\":[\"SENT\"]}"));
    }

    /** Gmail's media upload endpoint answers every send this way. */
    public void gmailAnswers(ResponseDefinitionBuilder response) {
        server.stubFor(gmailSend().willReturn(response));
    }

    /** Gmail answers sends carrying this access token this way (more specific than {@link #gmailAnswers}). */
    public void gmailAnswersToken(String accessToken, ResponseDefinitionBuilder response) {
        server.stubFor(
                gmailSend().withHeader("Authorization", equalTo("Bearer " + accessToken)).atPriority(1).willReturn(response));
    }

    /** The requests that reached Gmail's send endpoint, oldest first. */
    public List<LoggedRequest> gmailRequests() {
        return server.findAll(postRequestedFor(urlPathEqualTo(GMAIL_SEND)));
    }

    /** The messages Gmail received, parsed back from the MIME sent. */
    public List<MimeMessage> sentMessages() {
        Session session = Session.getInstance(new Properties());
        return gmailRequests().stream().map(request -> {
            try {
                return new MimeMessage(session, new ByteArrayInputStream(request.getBody()));
            } catch (MessagingException e) {
                throw new IllegalStateException("Gmail received something that is not MIME", e);
            }
        }).toList();
    }

    /** Drive's upload initiation answers this way (before any byte of the file is sent). */
    public void driveInitiationAnswers(ResponseDefinitionBuilder response) {
        server.stubFor(post(urlPathEqualTo(DRIVE_UPLOAD)).atPriority(1).willReturn(response));
    }

    /** Requests of any kind that reached Drive's upload endpoint. */
    public int driveRequestCount() {
        return server.findAll(anyRequestedFor(urlPathEqualTo(DRIVE_UPLOAD))).size();
    }

    /** An error answer as Google's APIs write it: status, message and one reason. */
    public static ResponseDefinitionBuilder googleError(int status, String reason, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody("{\"error\":{\"code\":" + status + ",\"message\":\"" + message + "\",\"errors\":[{\"message\":\""
                        + message + "\",\"domain\":\"global\",\"reason\":\"" + reason + "\"}]}}");
    }

    private static MappingBuilder gmailSend() {
        return post(urlPathEqualTo(GMAIL_SEND));
    }
}
