package dev.integrationhub.google.rest;

import java.util.List;
import java.util.Objects;

/**
 * Body of a request to send mail from a connected Gmail account. It is checked field by field when its MIME is
 * built (see {@code MimeComposer}), so every invalid field is reported at once; absent lists are read as empty.
 *
 * @param connectionId the Gmail connection to send from; its account is the From address
 * @param to the main recipients, each one RFC 5322 address such as {@code "Zoë Müller" <zoe@example.com>}
 * @param cc the recipients in copy
 * @param bcc the recipients in blind copy, hidden from the others by Gmail
 * @param replyTo the one address replies go to; absent means the From address
 * @param subject the subject line, required
 * @param text the plain-text body; this or {@code html} is required
 * @param html the HTML body; with {@code text} too, recipients' mail programs choose which one to show
 * @param attachments the files attached to the message
 */
public record SendMailRequest(String connectionId, List<String> to, List<String> cc, List<String> bcc,
        String replyTo, String subject, String text, String html, List<Attachment> attachments) {

    public SendMailRequest {
        to = Objects.requireNonNullElse(to, List.of());
        cc = Objects.requireNonNullElse(cc, List.of());
        bcc = Objects.requireNonNullElse(bcc, List.of());
        attachments = Objects.requireNonNullElse(attachments, List.of());
    }

    /**
     * One file attached to the message.
     *
     * @param filename the name the recipients see: no path, at most 255 characters
     * @param contentType its media type, e.g. {@code application/pdf}; absent means
     *        {@code application/octet-stream}
     * @param contentBase64 its bytes in standard base64 (RFC 4648 section 4, without line breaks)
     */
    public record Attachment(String filename, String contentType, String contentBase64) {
    }
}
