package dev.integrationhub.google.service;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import jakarta.activation.DataHandler;
import jakarta.mail.Address;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.ByteArrayDataSource;

import dev.integrationhub.error.Problem.FieldError;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.google.rest.SendMailRequest;

/**
 * Builds the MIME of a message sent from a connected Gmail account and writes it to a temporary file, for the
 * sending code to stream to Gmail. The request is checked completely before anything is written, and every
 * invalid field is reported at once. A header value holding a line break is refused, never cleaned: it can only
 * be an attempt to add headers of its own, such as a hidden Bcc. Error messages say what is wrong with a field,
 * never what it holds, as they may be logged.
 */
public final class MimeComposer {

    private static final int MAX_RECIPIENTS = 500;
    private static final int MAX_SUBJECT_BYTES = 998;
    private static final int MAX_CONTENT_TYPE_LENGTH = 255;

    private static final String UTF_8 = "UTF-8";
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    private static final String CONTROL_CHARACTERS = "must not contain line breaks or other control characters";
    private static final String NOT_AN_ADDRESS = "must be one email address";

    /** Longest RFC 2231 segment of an encoded filename, so its header line stays within 78 characters. */
    private static final int FILENAME_SEGMENT_LENGTH = 60;
    /** Printable ASCII that is percent-encoded in an RFC 2231 value all the same (tspecials and {@code * ' %}). */
    private static final String RFC_2231_SPECIALS = "*'%()<>@,;:\\\"/[]?=";
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final long maxMessageSize;
    private final InstantSource clock;
    private final Path directory;
    private final Session session = Session.getInstance(new Properties());

    /**
     * @param maxMessageSize the largest MIME, in bytes, the composer writes (from {@code hub.gmail.max-message-size})
     * @param clock the source of the Date header
     */
    public MimeComposer(long maxMessageSize, InstantSource clock) {
        this(maxMessageSize, clock, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** A composer writing its temporary files into {@code directory}. */
    MimeComposer(long maxMessageSize, InstantSource clock, Path directory) {
        if (maxMessageSize <= 0) {
            throw new IllegalArgumentException("The largest message size must be positive");
        }
        this.maxMessageSize = maxMessageSize;
        this.clock = clock;
        this.directory = directory;
    }

    /**
     * Checks the request and writes the message's MIME to a temporary file.
     *
     * @param from the address of the connection's account, the message's From
     * @return the written MIME, whose file the caller deletes by closing it
     * @throws ProblemException 400 {@code validation_failed} naming every invalid field, or 413
     *         {@code message_too_large} when the MIME exceeds the largest size
     * @throws IllegalArgumentException if {@code from} is not one email address
     */
    public ComposedMessage compose(String from, SendMailRequest request) {
        InternetAddress sender = sender(from);
        List<FieldError> errors = new ArrayList<>();
        int recipients = request.to().size() + request.cc().size() + request.bcc().size();
        if (recipients == 0) {
            errors.add(new FieldError("to", "at least one recipient is required in to, cc or bcc"));
        }
        // Beyond the limit the addresses are not checked one by one: the errors would outgrow the request.
        boolean checkEach = recipients <= MAX_RECIPIENTS;
        if (!checkEach) {
            errors.add(new FieldError("to", "at most " + MAX_RECIPIENTS
                    + " recipients are allowed in to, cc and bcc together"));
        }
        List<InternetAddress> to = checkEach ? addresses("to", request.to(), errors) : List.of();
        List<InternetAddress> cc = checkEach ? addresses("cc", request.cc(), errors) : List.of();
        List<InternetAddress> bcc = checkEach ? addresses("bcc", request.bcc(), errors) : List.of();
        InternetAddress replyTo = request.replyTo() == null ? null : address("reply_to", request.replyTo(), errors);
        checkSubject(request.subject(), errors);
        if (request.text() == null && request.html() == null) {
            errors.add(new FieldError("text", "text or html is required"));
        }
        List<CheckedAttachment> attachments = attachments(request.attachments(), errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }

        MimeMessage message = new OutgoingMessage(session, sender);
        try {
            message.setFrom(sender);
            message.setRecipients(RecipientType.TO, to.toArray(Address[]::new));
            message.setRecipients(RecipientType.CC, cc.toArray(Address[]::new));
            message.setRecipients(RecipientType.BCC, bcc.toArray(Address[]::new));
            if (replyTo != null) {
                message.setReplyTo(new Address[] { replyTo });
            }
            message.setSubject(request.subject(), UTF_8);
            message.setSentDate(Date.from(clock.instant()));
            if (attachments.isEmpty()) {
                setBody(message, request.text(), request.html());
            } else {
                message.setContent(mixed(request.text(), request.html(), attachments));
            }
        } catch (MessagingException e) {
            throw new IllegalStateException("The message's MIME could not be built", e);
        }
        return write(message, recipients);
    }

    private static InternetAddress sender(String from) {
        List<FieldError> errors = new ArrayList<>();
        InternetAddress sender = address("from", from, errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("The connection's account is not one email address");
        }
        return sender;
    }

    private static List<InternetAddress> addresses(String field, List<String> values, List<FieldError> errors) {
        List<InternetAddress> addresses = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            InternetAddress address = address(field + "[" + i + "]", values.get(i), errors);
            if (address != null) {
                addresses.add(address);
            }
        }
        return addresses;
    }

    /**
     * The address, parsed strictly and rebuilt so that a display name outside ASCII is written RFC 2047-encoded
     * (a parsed address would write its name as it came); {@code null} after adding an error. The address itself
     * must be ASCII: headers are written without SMTPUTF8, so an internationalised domain is given as
     * {@code xn--}.
     */
    private static InternetAddress address(String field, String value, List<FieldError> errors) {
        if (value == null) {
            errors.add(new FieldError(field, NOT_AN_ADDRESS));
            return null;
        }
        if (hasControlCharacter(value)) {
            errors.add(new FieldError(field, CONTROL_CHARACTERS));
            return null;
        }
        InternetAddress parsed;
        try {
            parsed = new InternetAddress(value, true);
            parsed.validate();
        } catch (AddressException e) {
            errors.add(new FieldError(field, NOT_AN_ADDRESS));
            return null;
        }
        if (parsed.isGroup()) {
            errors.add(new FieldError(field, NOT_AN_ADDRESS));
            return null;
        }
        if (!parsed.getAddress().chars().allMatch(c -> c < 0x80)) {
            errors.add(new FieldError(field, "must be an ASCII email address (an internationalised domain in its "
                    + "xn-- form); the display name may be in any script"));
            return null;
        }
        try {
            return new InternetAddress(parsed.getAddress(), parsed.getPersonal(), UTF_8);
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is not supported", e);
        }
    }

    private static void checkSubject(String subject, List<FieldError> errors) {
        if (subject == null || subject.isBlank()) {
            errors.add(new FieldError("subject", "is required"));
        } else if (hasControlCharacter(subject)) {
            errors.add(new FieldError("subject", CONTROL_CHARACTERS));
        } else if (encodedLength(subject) > MAX_SUBJECT_BYTES) {
            errors.add(new FieldError("subject", "must be at most " + MAX_SUBJECT_BYTES
                    + " bytes once encoded for the mail header (characters outside ASCII take several)"));
        }
    }

    private static int encodedLength(String subject) {
        try {
            return MimeUtility.encodeText(subject, UTF_8, null).getBytes(StandardCharsets.UTF_8).length;
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is not supported", e);
        }
    }

    private static List<CheckedAttachment> attachments(List<SendMailRequest.Attachment> attachments,
            List<FieldError> errors) {
        List<CheckedAttachment> checked = new ArrayList<>(attachments.size());
        for (int i = 0; i < attachments.size(); i++) {
            String field = "attachments[" + i + "]";
            SendMailRequest.Attachment attachment = attachments.get(i);
            if (attachment == null) {
                errors.add(new FieldError(field, "is required"));
                continue;
            }
            int errorsBefore = errors.size();
            checkFilename(field + ".filename", attachment.filename(), errors);
            String contentType = contentType(field + ".content_type", attachment.contentType(), errors);
            byte[] content = content(field + ".content_base64", attachment.contentBase64(), errors);
            if (errors.size() == errorsBefore) {
                checked.add(new CheckedAttachment(attachment.filename(), contentType, content));
            }
        }
        return checked;
    }

    private static void checkFilename(String field, String filename, List<FieldError> errors) {
        if (filename == null || filename.isBlank()) {
            errors.add(new FieldError(field, "is required"));
        } else {
            FileNames.problem(filename).ifPresent(problem -> errors.add(new FieldError(field, problem)));
        }
    }

    /** The media type as it will be written, or {@code null} after adding an error. */
    private static String contentType(String field, String value, List<FieldError> errors) {
        if (value == null) {
            return DEFAULT_CONTENT_TYPE;
        }
        if (hasControlCharacter(value)) {
            errors.add(new FieldError(field, CONTROL_CHARACTERS));
            return null;
        }
        if (value.length() > MAX_CONTENT_TYPE_LENGTH) {
            errors.add(new FieldError(field, "must be at most " + MAX_CONTENT_TYPE_LENGTH + " characters"));
            return null;
        }
        ContentType parsed;
        try {
            parsed = new ContentType(value);
        } catch (ParseException e) {
            errors.add(new FieldError(field, "must be a media type such as application/pdf"));
            return null;
        }
        // A message/* part cannot be sent base64-encoded: the library writes its bytes raw instead.
        if (parsed.match("multipart/*") || parsed.match("message/*")) {
            errors.add(new FieldError(field, "must not be a multipart or message type; send the bytes as "
                    + "application/octet-stream"));
            return null;
        }
        return parsed.toString();
    }

    private static byte[] content(String field, String base64, List<FieldError> errors) {
        if (base64 == null) {
            errors.add(new FieldError(field, "is required"));
            return null;
        }
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(field, "must be standard base64 (RFC 4648) without line breaks"));
            return null;
        }
    }

    private static boolean hasControlCharacter(String value) {
        return value.chars().anyMatch(Character::isISOControl);
    }

    /** Text only, HTML only, or both as multipart/alternative with the text first (the least preferred). */
    private static void setBody(MimePart part, String text, String html) throws MessagingException {
        if (text != null && html != null) {
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(textPart(text, "plain"));
            alternative.addBodyPart(textPart(html, "html"));
            part.setContent(alternative);
        } else if (html == null) {
            part.setText(text, UTF_8, "plain");
        } else {
            part.setText(html, UTF_8, "html");
        }
    }

    private static MimeBodyPart textPart(String content, String subtype) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(content, UTF_8, subtype);
        return part;
    }

    private static MimeMultipart mixed(String text, String html, List<CheckedAttachment> attachments)
            throws MessagingException {
        MimeMultipart mixed = new MimeMultipart("mixed");
        MimeBodyPart body = new MimeBodyPart();
        setBody(body, text, html);
        mixed.addBodyPart(body);
        for (CheckedAttachment attachment : attachments) {
            MimeBodyPart part = new MimeBodyPart();
            // The data handler first: setting it drops the content headers.
            part.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment.content(), attachment.contentType())));
            part.setHeader("Content-Type", attachment.contentType());
            part.setHeader("Content-Transfer-Encoding", "base64");
            part.setHeader("Content-Disposition", disposition(attachment.filename()));
            mixed.addBodyPart(part);
        }
        return mixed;
    }

    /**
     * The Content-Disposition of an attachment. A short name of printable ASCII is a quoted string; any other is
     * written per RFC 2231, percent-encoded UTF-8 in numbered segments of short lines (as Apple Mail does). The
     * library's own {@code setFileName} would take the charset from the JVM's default and write a long name on
     * one line of any length.
     */
    private static String disposition(String filename) {
        if (filename.length() <= FILENAME_SEGMENT_LENGTH
                && filename.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"')) {
            return "attachment;\r\n filename=\"" + filename + "\"";
        }
        List<String> segments = rfc2231Segments(filename);
        if (segments.size() == 1) {
            return "attachment;\r\n filename*=" + segments.getFirst();
        }
        StringBuilder header = new StringBuilder("attachment");
        for (int i = 0; i < segments.size(); i++) {
            header.append(";\r\n filename*").append(i).append("*=").append(segments.get(i));
        }
        return header.toString();
    }

    /** The value's segments, the first naming the charset; no character is split across two segments. */
    private static List<String> rfc2231Segments(String value) {
        List<String> segments = new ArrayList<>();
        StringBuilder segment = new StringBuilder("UTF-8''");
        for (int i = 0; i < value.length();) {
            int codePoint = value.codePointAt(i);
            String encoded = percentEncoded(codePoint);
            if (segment.length() + encoded.length() > FILENAME_SEGMENT_LENGTH) {
                segments.add(segment.toString());
                segment.setLength(0);
            }
            segment.append(encoded);
            i += Character.charCount(codePoint);
        }
        segments.add(segment.toString());
        return segments;
    }

    private static String percentEncoded(int codePoint) {
        if (codePoint > 0x20 && codePoint < 0x7f && RFC_2231_SPECIALS.indexOf(codePoint) < 0) {
            return Character.toString(codePoint);
        }
        StringBuilder encoded = new StringBuilder();
        for (byte b : Character.toString(codePoint).getBytes(StandardCharsets.UTF_8)) {
            encoded.append('%').append(HEX.toHexDigits(b));
        }
        return encoded.toString();
    }

    private ComposedMessage write(MimeMessage message, int recipients) {
        Path file;
        try {
            file = Files.createTempFile(directory, "hub-mail-", ".eml");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the temporary message file", e);
        }
        boolean kept = false;
        try {
            long size;
            try (CountingFileOutput out = new CountingFileOutput(file, maxMessageSize)) {
                message.writeTo(out);
                size = out.count();
            }
            if (size > maxMessageSize) {
                throw new ProblemException(413, "message_too_large", "Message too large", "The message is " + size
                        + " bytes once encoded; the limit is " + maxMessageSize + " bytes.");
            }
            kept = true;
            return new ComposedMessage(file, size, recipients);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the temporary message file", e);
        } catch (MessagingException e) {
            throw new IllegalStateException("The message's MIME could not be written", e);
        } finally {
            if (!kept) {
                ComposedMessage.delete(file);
            }
        }
    }

    /**
     * An attachment that passed every check.
     *
     * @param filename the name as sent
     * @param contentType the media type as written
     * @param content the decoded bytes
     */
    private record CheckedAttachment(String filename, String contentType, byte[] content) {
    }

    /**
     * A message whose Message-ID names the sender's domain. The library's own looks up this host's name and
     * writes it, with the service's user name, into every message.
     */
    private static final class OutgoingMessage extends MimeMessage {

        private final String domain;

        OutgoingMessage(Session session, InternetAddress sender) {
            super(session);
            String address = sender.getAddress();
            this.domain = address.substring(address.lastIndexOf('@') + 1);
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", "<" + UUID.randomUUID() + "@" + domain + ">");
        }
    }

    /**
     * Writes to the file until the limit is passed, then only counts: a message too large is measured without
     * filling the disk.
     */
    private static final class CountingFileOutput extends OutputStream {

        private final OutputStream file;
        private final long limit;
        private long count;

        CountingFileOutput(Path path, long limit) throws IOException {
            this.file = new BufferedOutputStream(Files.newOutputStream(path));
            this.limit = limit;
        }

        long count() {
            return count;
        }

        @Override
        public void write(int b) throws IOException {
            count++;
            if (count <= limit) {
                file.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            count += len;
            if (count <= limit) {
                file.write(b, off, len);
            }
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
