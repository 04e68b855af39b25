package dev.integrationhub.google.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.mail.Address;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.integrationhub.error.Problem;
import dev.integrationhub.error.Problem.FieldError;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.google.rest.SendMailRequest;
import dev.integrationhub.google.rest.SendMailRequest.Attachment;

/**
 * The MIME of a Gmail message: read back with Jakarta Mail's own parser, and refused, with every invalid field
 * named and no file left behind, when the request is invalid or the message too large.
 */
class MimeComposerTest {

    private static final String FROM = "me@example.com";
    private static final Instant NOW = Instant.parse("2026-03-14T09:26:53Z");
    private static final long LIMIT = 1_000_000;
    private static final String INJECTION = "\r\nBcc: evil@example.com";
    private static final String CONTROL_CHARACTERS = "must not contain line breaks or other control characters";
    private static final String NOT_AN_ADDRESS = "must be one email address";
    private static final byte[] EVERY_BYTE = everyByte();

    private final Session session = Session.getInstance(new Properties());

    @TempDir
    Path directory;

    @Test
    void addressesTheMessageFromTheAccountToToCcAndReplyTo() throws Exception {
        Draft draft = new Draft();
        draft.to = List.of("ann@example.com", "Bob <bob@example.org>");
        draft.cc = List.of("carol@example.net");
        draft.replyTo = "replies@example.com";

        MimeMessage message = composeAndRead(draft);

        assertThat(addresses(message.getFrom())).containsExactly(FROM);
        assertThat(addresses(message.getRecipients(RecipientType.TO))).containsExactly("ann@example.com",
                "bob@example.org");
        assertThat(((InternetAddress) message.getRecipients(RecipientType.TO)[1]).getPersonal()).isEqualTo("Bob");
        assertThat(addresses(message.getRecipients(RecipientType.CC))).containsExactly("carol@example.net");
        assertThat(addresses(message.getReplyTo())).containsExactly("replies@example.com");
    }

    @Test
    void keepsBccInTheWrittenMimeForGmailToRead() throws Exception {
        Draft draft = new Draft();
        draft.bcc = List.of("hidden@example.com", "secret@example.org");

        MimeMessage message = composeAndRead(draft);

        assertThat(addresses(message.getRecipients(RecipientType.BCC))).containsExactly("hidden@example.com",
                "secret@example.org");
    }

    @Test
    void writesNoReplyToWhenNoneIsGiven() throws Exception {
        MimeMessage message = composeAndRead(new Draft());

        assertThat(message.getHeader("Reply-To")).isNull();
    }

    @Test
    void encodesANonAsciiSubjectAsUtf8EncodedWords() throws Exception {
        Draft draft = new Draft();
        draft.subject = "Grüße aus Köln – Angebot № 7";

        MimeMessage message = composeAndRead(draft);

        assertThat(message.getHeader("Subject", null)).startsWith("=?UTF-8?").doesNotContain("ü");
        assertThat(message.getSubject()).isEqualTo("Grüße aus Köln – Angebot № 7");
    }

    @Test
    void encodesANonAsciiDisplayNameAsUtf8EncodedWords() throws Exception {
        Draft draft = new Draft();
        draft.to = List.of("\"Zoë Müller\" <zoe@example.com>");

        MimeMessage message = composeAndRead(draft);

        assertThat(message.getHeader("To", null)).contains("=?UTF-8?").contains("<zoe@example.com>")
                .doesNotContain("ë");
        InternetAddress to = (InternetAddress) message.getRecipients(RecipientType.TO)[0];
        assertThat(to.getPersonal()).isEqualTo("Zoë Müller");
        assertThat(to.getAddress()).isEqualTo("zoe@example.com");
    }

    @Test
    void datesTheMessageByTheClock() throws Exception {
        MimeMessage message = composeAndRead(new Draft());

        assertThat(message.getSentDate()).isEqualTo(Date.from(NOW));
    }

    @Test
    void namesTheSendersDomainInTheMessageId() throws Exception {
        MimeMessage message = composeAndRead(new Draft());

        assertThat(message.getMessageID()).matches("<[0-9a-f-]{36}@example\\.com>");
    }

    @Test
    void aTextOnlyBodyIsTextPlainInUtf8() throws Exception {
        Draft draft = new Draft();
        draft.text = "Grüße,\r\nZoë";

        MimeMessage message = composeAndRead(draft);

        assertThat(message.getContentType()).isEqualTo("text/plain; charset=UTF-8");
        assertThat(message.getContent()).isEqualTo("Grüße,\r\nZoë");
    }

    @Test
    void anHtmlOnlyBodyIsTextHtmlInUtf8() throws Exception {
        Draft draft = new Draft();
        draft.text = null;
        draft.html = "<p>Grüße</p>";

        MimeMessage message = composeAndRead(draft);

        assertThat(message.getContentType()).isEqualTo("text/html; charset=UTF-8");
        assertThat(message.getContent()).isEqualTo("<p>Grüße</p>");
    }

    @Test
    void textAndHtmlMakeAMultipartAlternativeWithTheTextFirst() throws Exception {
        Draft draft = new Draft();
        draft.text = "Grüße";
        draft.html = "<p>Grüße</p>";

        MimeMessage message = composeAndRead(draft);

        assertThat(message.isMimeType("multipart/alternative")).isTrue();
        MimeMultipart alternative = (MimeMultipart) message.getContent();
        assertThat(alternative.getCount()).isEqualTo(2);
        assertThat(alternative.getBodyPart(0).getContentType()).isEqualTo("text/plain; charset=UTF-8");
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("Grüße");
        assertThat(alternative.getBodyPart(1).getContentType()).isEqualTo("text/html; charset=UTF-8");
        assertThat(alternative.getBodyPart(1).getContent()).isEqualTo("<p>Grüße</p>");
    }

    @Test
    void attachmentsFollowTheBodyInAMultipartMixed() throws Exception {
        Draft draft = new Draft();
        draft.html = "<p>Hello</p>";
        draft.attachments = List.of(new Attachment("report.pdf", "application/pdf", base64(EVERY_BYTE)),
                new Attachment("notes.txt", "text/plain; charset=utf-8", base64("a\nb".getBytes(StandardCharsets.UTF_8))));

        MimeMessage message = composeAndRead(draft);

        assertThat(message.isMimeType("multipart/mixed")).isTrue();
        MimeMultipart mixed = (MimeMultipart) message.getContent();
        assertThat(mixed.getCount()).isEqualTo(3);
        assertThat(mixed.getBodyPart(0).isMimeType("multipart/alternative")).isTrue();
        assertAttachment(mixed.getBodyPart(1), "report.pdf", "application/pdf", EVERY_BYTE);
        assertAttachment(mixed.getBodyPart(2), "notes.txt", "text/plain; charset=utf-8",
                "a\nb".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anAttachmentWithoutContentTypeIsApplicationOctetStream() throws Exception {
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment("data.bin", null, base64(EVERY_BYTE)));

        MimeMessage message = composeAndRead(draft);

        MimeMultipart mixed = (MimeMultipart) message.getContent();
        assertThat(mixed.getBodyPart(0).getContentType()).isEqualTo("text/plain; charset=UTF-8");
        assertAttachment(mixed.getBodyPart(1), "data.bin", "application/octet-stream", EVERY_BYTE);
    }

    @Test
    void aShortAsciiFilenameIsAQuotedString() throws Exception {
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment("March report.pdf", "application/pdf", base64(EVERY_BYTE)));

        MimeMessage message = composeAndRead(draft);

        MimeBodyPart part = (MimeBodyPart) ((MimeMultipart) message.getContent()).getBodyPart(1);
        assertThat(part.getHeader("Content-Disposition", null)).isEqualTo("attachment;\r\n filename=\"March report.pdf\"");
    }

    @Test
    void aFilenameWithADoubleQuoteIsWrittenPerRfc2231() throws Exception {
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment("the \"final\" one.pdf", "application/pdf", base64(EVERY_BYTE)));

        MimeMessage message = composeAndRead(draft);

        MimeBodyPart part = (MimeBodyPart) ((MimeMultipart) message.getContent()).getBodyPart(1);
        assertThat(part.getHeader("Content-Disposition", null))
                .isEqualTo("attachment;\r\n filename*=UTF-8''the%20%22final%22%20one.pdf");
        assertThat(part.getFileName()).isEqualTo("the \"final\" one.pdf");
    }

    @Test
    void aNonAsciiFilenameIsWrittenPerRfc2231() throws Exception {
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment("Übersicht März.pdf", "application/pdf", base64(EVERY_BYTE)));

        MimeMessage message = composeAndRead(draft);

        MimeBodyPart part = (MimeBodyPart) ((MimeMultipart) message.getContent()).getBodyPart(1);
        assertThat(part.getHeader("Content-Disposition", null))
                .isEqualTo("attachment;\r\n filename*=UTF-8''%C3%9Cbersicht%20M%C3%A4rz.pdf");
        assertAttachment(part, "Übersicht März.pdf", "application/pdf", EVERY_BYTE);
    }

    @Test
    void aLongFilenameIsSplitIntoRfc2231SegmentsOnLinesOfAtMost78Characters() throws Exception {
        String filename = "Протокол заседания правления " + "ж".repeat(150) + ".pdf";
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment(filename, "application/pdf", base64(EVERY_BYTE)));

        try (ComposedMessage composed = composer(LIMIT).compose(FROM, draft.request())) {
            List<String> lines = Files.readAllLines(composed.file(), StandardCharsets.US_ASCII);
            assertThat(lines).anyMatch(line -> line.startsWith(" filename*0*=UTF-8''%D0%9F"))
                    .anyMatch(line -> line.startsWith(" filename*1*=%"))
                    .allMatch(line -> line.length() <= 78);
            MimeBodyPart part = (MimeBodyPart) ((MimeMultipart) read(composed).getContent()).getBodyPart(1);
            assertThat(part.getFileName()).isEqualTo(filename);
        }
    }

    @Test
    void aLongAsciiFilenameIsSplitToo() throws Exception {
        String filename = "Minutes of the board meeting held on the fourteenth of March 2026 (final).pdf";
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment(filename, "application/pdf", base64(EVERY_BYTE)));

        MimeMessage message = composeAndRead(draft);

        MimeBodyPart part = (MimeBodyPart) ((MimeMultipart) message.getContent()).getBodyPart(1);
        assertThat(part.getHeader("Content-Disposition", null)).contains("filename*1*=");
        assertThat(part.getFileName()).isEqualTo(filename);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("injections")
    void refusesALineBreakInAHeaderValue(String field, Consumer<Draft> injection) {
        Draft draft = new Draft();
        injection.accept(draft);

        assertThat(refused(draft)).containsExactly(new FieldError(field, CONTROL_CHARACTERS));
    }

    static Stream<Arguments> injections() {
        return Stream.of(
                Arguments.of("subject", (Consumer<Draft>) draft -> draft.subject = "Hello" + INJECTION),
                Arguments.of("to[0]", (Consumer<Draft>) draft -> draft.to = List.of("ann@example.com" + INJECTION)),
                Arguments.of("cc[0]", (Consumer<Draft>) draft -> draft.cc = List.of("ann@example.com" + INJECTION)),
                Arguments.of("bcc[0]", (Consumer<Draft>) draft -> draft.bcc = List.of("ann@example.com\nX: y")),
                Arguments.of("reply_to", (Consumer<Draft>) draft -> draft.replyTo = "ann@example.com" + INJECTION),
                Arguments.of("to[0]",
                        (Consumer<Draft>) draft -> draft.to = List.of("\"Ann\r\n Bcc: evil@example.com\" <ann@example.com>")),
                Arguments.of("subject", (Consumer<Draft>) draft -> draft.subject = "Hello\u0000world"),
                Arguments.of("attachments[0].filename", (Consumer<Draft>) draft -> draft.attachments = List
                        .of(new Attachment("a.pdf" + INJECTION, "application/pdf", "QUJD"))),
                Arguments.of("attachments[0].content_type", (Consumer<Draft>) draft -> draft.attachments = List
                        .of(new Attachment("a.pdf", "application/pdf" + INJECTION, "QUJD"))));
    }

    @Test
    void reportsEveryInvalidFieldAtOnce() {
        Draft draft = new Draft();
        draft.to = List.of("ann@example.com", "not an address");
        draft.cc = List.of("carol@example.net", "ok@example.net", "also not");
        draft.bcc = List.of("@example.com");
        draft.replyTo = "a@example.com, b@example.com";
        draft.subject = null;
        draft.text = null;
        draft.attachments = List.of(new Attachment("ok.pdf", "application/pdf", "QUJD"),
                new Attachment("dir/a.pdf", "multipart/mixed; boundary=x", "%%%"));

        assertThat(refused(draft)).extracting(FieldError::field).containsExactlyInAnyOrder("to[1]", "cc[2]",
                "bcc[0]", "reply_to", "subject", "text", "attachments[1].filename", "attachments[1].content_type",
                "attachments[1].content_base64");
    }

    @Test
    void noFieldErrorRepeatsTheValueItRefuses() {
        Draft draft = new Draft();
        draft.to = List.of("evil-to");
        draft.replyTo = "evil-reply" + INJECTION;
        draft.subject = "evil-subject".repeat(100);
        draft.attachments = List.of(new Attachment("evil/name", "evil-type", "evil-base64!"));

        assertThat(refused(draft)).hasSize(6).extracting(FieldError::message)
                .allSatisfy(message -> assertThat(message).doesNotContainIgnoringCase("evil"));
    }

    @Test
    void refusesAMessageWithoutRecipientsOnTo() {
        Draft draft = new Draft();
        draft.to = null;

        assertThat(refused(draft)).containsExactly(
                new FieldError("to", "at least one recipient is required in to, cc or bcc"));
    }

    @Test
    void acceptsRecipientsOnlyInBcc() throws Exception {
        Draft draft = new Draft();
        draft.to = List.of();
        draft.bcc = List.of("hidden@example.com");

        MimeMessage message = composeAndRead(draft);

        assertThat(message.getHeader("To")).isNull();
        assertThat(addresses(message.getRecipients(RecipientType.BCC))).containsExactly("hidden@example.com");
    }

    @Test
    void acceptsFiveHundredRecipientsInToCcAndBccTogether() {
        Draft draft = new Draft();
        draft.to = recipients(300);
        draft.cc = recipients(150);
        draft.bcc = recipients(50);

        try (ComposedMessage composed = composer(LIMIT).compose(FROM, draft.request())) {
            assertThat(composed.recipients()).isEqualTo(500);
        }
    }

    @Test
    void refusesMoreThanFiveHundredRecipientsOnToWithoutCheckingEach() {
        Draft draft = new Draft();
        draft.to = recipients(300);
        draft.cc = recipients(150);
        draft.bcc = Stream.concat(recipients(50).stream(), Stream.of("not an address")).toList();

        assertThat(refused(draft)).containsExactly(
                new FieldError("to", "at most 500 recipients are allowed in to, cc and bcc together"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "ann", "ann@", "@example.com", "ann@exam ple.com", "ann@example.com, bob@example.com",
            "Ann <ann@example.com> Bob <bob@example.com>", "friends: ann@example.com, bob@example.com;",
            "ann..b@example.com" })
    void refusesAValueThatIsNotOneEmailAddress(String address) {
        Draft draft = new Draft();
        draft.to = List.of(address);

        assertThat(refused(draft)).containsExactly(new FieldError("to[0]", NOT_AN_ADDRESS));
    }

    @Test
    void refusesANullAddress() {
        Draft draft = new Draft();
        draft.cc = Arrays.asList("ann@example.com", null);

        assertThat(refused(draft)).containsExactly(new FieldError("cc[1]", NOT_AN_ADDRESS));
    }

    @ParameterizedTest
    @ValueSource(strings = { "zoë@example.com", "zoe@exämple.com" })
    void refusesAnAddressOutsideAscii(String address) {
        Draft draft = new Draft();
        draft.to = List.of(address);

        assertThat(refused(draft)).extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple("to[0]", "must be an ASCII email address (an internationalised domain in its "
                        + "xn-- form); the display name may be in any script"));
    }

    @Test
    void refusesAMessageWithNeitherTextNorHtmlOnText() {
        Draft draft = new Draft();
        draft.text = null;
        draft.html = null;

        assertThat(refused(draft)).containsExactly(new FieldError("text", "text or html is required"));
    }

    @Test
    void acceptsAnEmptyText() throws Exception {
        Draft draft = new Draft();
        draft.text = "";

        assertThat(composeAndRead(draft).getContent()).isEqualTo("");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { "   " })
    void refusesAMissingSubject(String subject) {
        Draft draft = new Draft();
        draft.subject = subject;

        assertThat(refused(draft)).containsExactly(new FieldError("subject", "is required"));
    }

    @Test
    void acceptsASubjectOf998AsciiBytes() throws Exception {
        Draft draft = new Draft();
        draft.subject = "a".repeat(998);

        assertThat(composeAndRead(draft).getSubject()).isEqualTo("a".repeat(998));
    }

    /** 400 of 'é' are 800 bytes in UTF-8, and more than 998 once encoded. */
    @ParameterizedTest(name = "{1} of {0}")
    @CsvSource({ "a, 999", "é, 400" })
    void refusesASubjectOver998BytesOnceEncoded(String character, int count) {
        Draft draft = new Draft();
        draft.subject = character.repeat(count);

        assertThat(refused(draft)).containsExactly(new FieldError("subject",
                "must be at most 998 bytes once encoded for the mail header (characters outside ASCII take several)"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "../etc/passwd", "reports/march.pdf", "C:\\temp\\march.pdf", "march\\.pdf" })
    void refusesAPathSeparatorInAFilename(String filename) {
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment(filename, "application/pdf", "QUJD"));

        assertThat(refused(draft)).containsExactly(
                new FieldError("attachments[0].filename", "must be a file name without / or \\"));
    }

    @ParameterizedTest
    @ValueSource(strings = { ".", ".." })
    void refusesAFilenameThatNamesADirectory(String filename) {
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment(filename, "application/pdf", "QUJD"));

        assertThat(refused(draft)).containsExactly(
                new FieldError("attachments[0].filename", "must be a file name, not . or .."));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { " " })
    void refusesAMissingFilename(String filename) {
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment(filename, "application/pdf", "QUJD"));

        assertThat(refused(draft)).containsExactly(new FieldError("attachments[0].filename", "is required"));
    }

    @Test
    void acceptsAFilenameOf255Characters() throws Exception {
        String filename = "ä".repeat(251) + ".pdf";
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment(filename, "application/pdf", "QUJD"));

        MimeMessage message = composeAndRead(draft);

        assertThat(((MimeMultipart) message.getContent()).getBodyPart(1).getFileName()).isEqualTo(filename);
    }

    @Test
    void refusesAFilenameOver255Characters() {
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment("ä".repeat(252) + ".pdf", "application/pdf", "QUJD"));

        assertThat(refused(draft)).containsExactly(
                new FieldError("attachments[0].filename", "must be at most 255 characters"));
    }

    @Test
    void refusesAMissingAttachment() {
        Draft draft = new Draft();
        draft.attachments = Arrays.asList(new Attachment("a.pdf", "application/pdf", "QUJD"), null);

        assertThat(refused(draft)).containsExactly(new FieldError("attachments[1]", "is required"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "pdf", "application/", "application/pdf; name", "application/pdf extra" })
    void refusesAContentTypeThatIsNotAMediaType(String contentType) {
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment("a.pdf", contentType, "QUJD"));

        assertThat(refused(draft)).containsExactly(
                new FieldError("attachments[0].content_type", "must be a media type such as application/pdf"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "multipart/mixed; boundary=x", "Multipart/Alternative", "message/rfc822" })
    void refusesAMultipartOrMessageContentType(String contentType) {
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment("a.eml", contentType, "QUJD"));

        assertThat(refused(draft)).containsExactly(new FieldError("attachments[0].content_type",
                "must not be a multipart or message type; send the bytes as application/octet-stream"));
    }

    @Test
    void refusesAContentTypeOver255Characters() {
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment("a.pdf", "application/" + "x".repeat(244), "QUJD"));

        assertThat(refused(draft)).containsExactly(
                new FieldError("attachments[0].content_type", "must be at most 255 characters"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "not base64!", "QUJD\r\nREVG", "QUJDREVG-_", "QUJDR" })
    void refusesContentThatIsNotStandardBase64(String content) {
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment("a.pdf", "application/pdf", content));

        assertThat(refused(draft)).containsExactly(new FieldError("attachments[0].content_base64",
                "must be standard base64 (RFC 4648) without line breaks"));
    }

    @Test
    void refusesAMissingContent() {
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment("a.pdf", "application/pdf", null));

        assertThat(refused(draft)).containsExactly(new FieldError("attachments[0].content_base64", "is required"));
    }

    @Test
    void reportsTheSizeAndRecipientsOfTheWrittenFile() throws Exception {
        Draft draft = new Draft();
        draft.to = List.of("ann@example.com", "bob@example.com");
        draft.bcc = List.of("carol@example.com");

        try (ComposedMessage composed = composer(LIMIT).compose(FROM, draft.request())) {
            assertThat(composed.file()).hasParent(directory);
            assertThat(composed.file().getFileName().toString()).startsWith("hub-mail-").endsWith(".eml");
            assertThat(composed.size()).isEqualTo(Files.size(composed.file()));
            assertThat(composed.recipients()).isEqualTo(3);
        }
    }

    @Test
    void acceptsAMessageExactlyAtTheLimit() {
        long size = sizeOf(new Draft());

        try (ComposedMessage composed = composer(size).compose(FROM, new Draft().request())) {
            assertThat(composed.size()).isEqualTo(size);
        }
    }

    @Test
    void refusesAMessageOverTheLimitWith413AndLeavesNoFile() {
        long size = sizeOf(new Draft());

        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> composer(size - 1).compose(FROM, new Draft().request()));

        assertThat(e.problem()).extracting(Problem::status, Problem::code, Problem::detail).containsExactly(413,
                "message_too_large",
                "The message is " + size + " bytes once encoded; the limit is " + (size - 1) + " bytes.");
        assertThat(directory).isEmptyDirectory();
    }

    @Test
    void refusesAnAttachmentThatMakesTheMessageTooLarge() {
        Draft draft = new Draft();
        draft.attachments = List.of(new Attachment("big.bin", null, base64(new byte[30_000])));

        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> composer(30_000).compose(FROM, draft.request()));

        assertThat(e.problem().status()).isEqualTo(413);
        assertThat(directory).isEmptyDirectory();
    }

    @Test
    void closingDeletesTheFile() {
        ComposedMessage composed = composer(LIMIT).compose(FROM, new Draft().request());
        assertThat(composed.file()).exists();

        composed.close();

        assertThat(composed.file()).doesNotExist();
    }

    @Test
    void closingNeverThrows() throws IOException {
        Path undeletable = Files.createDirectory(directory.resolve("not-empty"));
        Files.writeString(undeletable.resolve("file"), "x", StandardCharsets.UTF_8);

        assertThatCode(() -> new ComposedMessage(undeletable, 1, 1).close()).doesNotThrowAnyException();
        assertThatCode(() -> new ComposedMessage(directory.resolve("gone"), 1, 1).close()).doesNotThrowAnyException();
    }

    @Test
    void writesIntoTheSystemTemporaryDirectoryByDefault() {
        MimeComposer composer = new MimeComposer(LIMIT, InstantSource.fixed(NOW));

        try (ComposedMessage composed = composer.compose(FROM, new Draft().request())) {
            assertThat(composed.file()).hasParent(Path.of(System.getProperty("java.io.tmpdir")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "not an address", "me@example.com\r\nBcc: evil@example.com" })
    void refusesAFromThatIsNotOneAddressWithoutRepeatingIt(String from) {
        assertThatThrownBy(() -> composer(LIMIT).compose(from, new Draft().request()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The connection's account is not one email address");
        assertThat(directory).isEmptyDirectory();
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, -1 })
    void refusesALimitThatIsNotPositive(long limit) {
        assertThatThrownBy(() -> new MimeComposer(limit, InstantSource.fixed(NOW)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private MimeComposer composer(long limit) {
        return new MimeComposer(limit, InstantSource.fixed(NOW), directory);
    }

    private MimeMessage composeAndRead(Draft draft) throws IOException, MessagingException {
        try (ComposedMessage composed = composer(LIMIT).compose(FROM, draft.request())) {
            return read(composed);
        }
    }

    private MimeMessage read(ComposedMessage composed) throws IOException, MessagingException {
        try (InputStream in = Files.newInputStream(composed.file())) {
            return new MimeMessage(session, in);
        }
    }

    private long sizeOf(Draft draft) {
        try (ComposedMessage composed = composer(LIMIT).compose(FROM, draft.request())) {
            return composed.size();
        }
    }

    /** The field errors of the request's refusal, after checking that no file was left behind. */
    private List<FieldError> refused(Draft draft) {
        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> composer(LIMIT).compose(FROM, draft.request()));
        assertThat(e.problem().code()).isEqualTo("validation_failed");
        assertThat(directory).isEmptyDirectory();
        return e.problem().errors();
    }

    private static void assertAttachment(Part part, String filename, String contentType, byte[] content)
            throws IOException, MessagingException {
        assertThat(part.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(part.getFileName()).isEqualTo(filename);
        assertThat(part.getContentType()).isEqualTo(contentType);
        try (InputStream in = part.getInputStream()) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    private static List<String> addresses(Address[] addresses) {
        return Arrays.stream(addresses).map(address -> ((InternetAddress) address).getAddress()).toList();
    }

    private static List<String> recipients(int count) {
        return IntStream.range(0, count).mapToObj(i -> "user" + i + "@example.com").toList();
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] everyByte() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    /** A valid request, changed one field at a time by each test. */
    private static final class Draft {

        List<String> to = List.of("ann@example.com");
        List<String> cc = List.of();
        List<String> bcc = List.of();
        String replyTo;
        String subject = "Quarterly report";
        String text = "Hello";
        String html;
        List<Attachment> attachments = List.of();

        SendMailRequest request() {
            return new SendMailRequest("connection-1", to, cc, bcc, replyTo, subject, text, html, attachments);
        }
    }
}
