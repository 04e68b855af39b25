package dev.integrationhub.sandbox.service;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeUtility;

import com.fasterxml.jackson.databind.JsonNode;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.crypto.FlowSecrets;
import dev.integrationhub.sandbox.SandboxClient;
import dev.integrationhub.sandbox.service.SandboxAuthorizationServer.GrantView;

/**
 * Gmail's and Drive's upload endpoints as the hub's Google clients call them, answered as Google answers, for dev
 * mode: {@code users.messages.send} by media upload (the message is read for its From, To, Cc, Subject and size,
 * never kept) and {@code files.create} by the resumable protocol (a session, then chunks with
 * {@code Content-Range}, {@code 308} and {@code Range} until the last byte; only the file's name, type and size are
 * kept). Every call needs a live access token of the sandbox provider whose grant holds a scope of the method, else
 * 401 or 403 {@code insufficientPermissions}, as Google. What was sent and uploaded is kept, bounded, for the console.
 */
@ApplicationScoped
public class SandboxGoogleApis {

    private static final String SCOPES = "https://www.googleapis.com/auth/";
    private static final Set<String> SEND_SCOPES = Set.of("https://mail.google.com/", SCOPES + "gmail.modify",
            SCOPES + "gmail.compose", SCOPES + "gmail.send");
    private static final Set<String> DRIVE_SCOPES = Set.of(SCOPES + "drive", SCOPES + "drive.file");
    static final String FOLDER = "application/vnd.google-apps.folder";
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");
    private static final int MAX_VALUE_LENGTH = 256;
    private static final int MAX_SESSIONS = 1_000;
    private static final Duration SESSION_LIFETIME = Duration.ofDays(1);
    private static final Duration FOLDER_LIFETIME = Duration.ofDays(30);

    /** A message Gmail sent, as the console shows it. */
    public record SentMail(String id, String account, String from, String to, String cc, String subject, long size,
            Instant at) {
    }

    /** A file Drive stored, as the console shows it (never its content). */
    public record StoredFile(String id, String account, String name, String mimeType, long size, String folder,
            Instant at) {
    }

    /** What a resumable upload's request led to. */
    public sealed interface Step {
    }

    /** More bytes are expected; the session holds {@code received} from the start. */
    public record Incomplete(long received) implements Step {
    }

    /** The last byte arrived: the file. */
    public record Completed(StoredFile file, URI webViewLink) implements Step {
    }

    /** A resumable upload under way. */
    private record Session(String account, String name, String mimeType, String folder, long received,
            StoredFile completed) {
    }

    private final SandboxAuthorizationServer server;
    private final InstantSource clock;
    private final String publicUrl;
    private final RecentItems<SentMail> mails;
    private final RecentItems<StoredFile> files;
    private final ExpiringMap<String, Session> sessions;
    /** Folders by id, with the account that made them. */
    private final ExpiringMap<String, String> folders;

    SandboxGoogleApis(SandboxAuthorizationServer server, InstantSource clock, HubConfig config) {
        this.server = server;
        this.clock = clock;
        this.publicUrl = config.publicUrl();
        this.mails = new RecentItems<>(config.sandbox().maxItems());
        this.files = new RecentItems<>(config.sandbox().maxItems());
        this.sessions = new ExpiringMap<>(clock, MAX_SESSIONS);
        this.folders = new ExpiringMap<>(clock, SandboxAuthorizationServer.MAX_ENTRIES);
    }

    /**
     * Gmail's {@code users.messages.send} with {@code uploadType=media}: reads the message and keeps its headers.
     *
     * @param authorization the request's {@code Authorization} header
     * @param userId {@code me} or the account's address
     */
    public SentMail send(String authorization, String userId, String uploadType, InputStream message)
            throws IOException {
        GrantView grant = authorize(authorization, SEND_SCOPES);
        if (!"me".equals(userId) && !grant.account().equals(userId)) {
            throw new SandboxApiException(403, "forbidden", "Delegation denied for " + grant.account(),
                    "PERMISSION_DENIED", null);
        }
        if (!"media".equals(uploadType)) {
            throw SandboxApiException.badRequest("badRequest", "The sandbox's Gmail takes uploadType=media only.");
        }
        CountingStream counted = new CountingStream(message);
        InternetHeaders headers;
        try {
            headers = new InternetHeaders(counted);
        } catch (MessagingException e) {
            throw SandboxApiException.badRequest("invalidArgument", "Invalid message: not RFC 822.");
        }
        counted.drain();
        String to = header(headers, "To");
        String cc = header(headers, "Cc");
        if (to == null && cc == null && header(headers, "Bcc") == null) {
            throw SandboxApiException.badRequest("invalidArgument", "Recipient address required");
        }
        SentMail sent = new SentMail(HexFormat.of().toHexDigits(UUID.randomUUID().getMostSignificantBits()),
                grant.account(), header(headers, "From"), to, cc, header(headers, "Subject"), counted.count(),
                clock.instant());
        mails.add(sent);
        return sent;
    }

    /**
     * Drive's {@code files.create} with {@code uploadType=resumable}: opens a session for the file the metadata
     * describes and answers where its bytes go.
     *
     * @param metadata the request's JSON body ({@code name}, {@code mimeType}, {@code parents})
     * @param uploadContentType {@code X-Upload-Content-Type}, the type when the metadata has none
     * @return the session's URI, the {@code Location} of the answer
     */
    public synchronized URI startUpload(String authorization, String uploadType, JsonNode metadata,
            String uploadContentType) {
        GrantView grant = authorize(authorization, DRIVE_SCOPES);
        if (!"resumable".equals(uploadType)) {
            throw SandboxApiException.badRequest("badRequest", "The sandbox's Drive takes uploadType=resumable only.");
        }
        String folder = null;
        for (JsonNode parent : metadata.path("parents")) {
            String id = parent.asText();
            if (!folders.get(id).filter(grant.account()::equals).isPresent()) {
                throw SandboxApiException.notFound("File not found: " + cut(id) + ".");
            }
            folder = id;
        }
        String name = metadata.path("name").isTextual() ? cut(metadata.path("name").asText()) : "Untitled";
        String mimeType = metadata.path("mimeType").isTextual() ? metadata.path("mimeType").asText()
                : Optional.ofNullable(uploadContentType).orElse("application/octet-stream");
        String uploadId = FlowSecrets.random();
        try {
            sessions.put(uploadId, new Session(grant.account(), name, cut(mimeType), folder, 0, null),
                    clock.instant().plus(SESSION_LIFETIME));
        } catch (ExpiringMap.Full e) {
            throw new SandboxApiException(429, "rateLimitExceeded", "Too many upload sessions.", "RESOURCE_EXHAUSTED",
                    null);
        }
        return URI.create(publicUrl + SandboxClient.UPLOAD_PATH + SandboxClient.DRIVE_FILES_PATH
                + "?uploadType=resumable&upload_id=" + uploadId);
    }

    /**
     * A {@code PUT} to a session: a chunk {@code bytes a-b/total} (kept only if {@code a} is where the session
     * stands, so the client resumes from the {@code Range} answered), the whole file without {@code Content-Range},
     * or a status query {@code bytes *}{@code /total}.
     */
    public synchronized Step putChunk(String authorization, String uploadId, String contentRange, InputStream body)
            throws IOException {
        authorize(authorization, DRIVE_SCOPES);
        Session session = sessions.get(uploadId).orElseThrow(() -> SandboxApiException.notFound("No upload session."));
        if (session.completed() != null) {
            new CountingStream(body).drain();
            return completed(session.completed());
        }
        long first = 0;
        long total = -1;
        boolean query = false;
        if (contentRange != null) {
            Matcher range = CONTENT_RANGE.matcher(contentRange);
            if (!range.matches()) {
                throw SandboxApiException.badRequest("badContent", "Failed to parse Content-Range header.");
            }
            query = range.group(1) == null;
            first = query ? 0 : Long.parseLong(range.group(1));
            total = "*".equals(range.group(3)) ? -1 : Long.parseLong(range.group(3));
        }
        CountingStream counted = new CountingStream(body);
        counted.drain();
        long length = counted.count();
        if (contentRange == null) {
            total = length;
        }
        if (query || first != session.received()) {
            return step(uploadId, session, session.received(), total);
        }
        return step(uploadId, session, session.received() + length, total);
    }

    /** The mails sent, newest first. */
    public RecentItems.Listing<SentMail> mails() {
        return mails.listing();
    }

    /** The files uploaded, newest first. */
    public RecentItems.Listing<StoredFile> files() {
        return files.listing();
    }

    private Step step(String uploadId, Session session, long received, long total) {
        if (total >= 0 && received > total) {
            throw SandboxApiException.badRequest("badContent", "More bytes than the Content-Range's total.");
        }
        if (total < 0 || received < total) {
            sessions.update(uploadId, s -> new Session(s.account(), s.name(), s.mimeType(), s.folder(), received, null));
            return new Incomplete(received);
        }
        StoredFile file = new StoredFile(FlowSecrets.random().substring(0, 33), session.account(), session.name(),
                session.mimeType(), received, session.folder(), clock.instant());
        sessions.update(uploadId, s -> new Session(s.account(), s.name(), s.mimeType(), s.folder(), received, file));
        if (FOLDER.equals(file.mimeType())) {
            folders.put(file.id(), file.account(), clock.instant().plus(FOLDER_LIFETIME));
        }
        files.add(file);
        return completed(file);
    }

    private Completed completed(StoredFile file) {
        return new Completed(file, URI.create(publicUrl + "/sandbox/console#file-" + file.id()));
    }

    /** The grant of a live bearer holding one of the scopes. */
    private GrantView authorize(String authorization, Set<String> accepted) {
        String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip()
                : null;
        GrantView grant = server.grantOf(token).orElseThrow(() -> new SandboxApiException(401, "authError",
                "Request had invalid authentication credentials. Expected OAuth 2 access token.", "UNAUTHENTICATED",
                "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\""));
        if (grant.scopes().stream().noneMatch(accepted::contains)) {
            throw new SandboxApiException(403, "insufficientPermissions", "Request had insufficient authentication scopes.",
                    "PERMISSION_DENIED", "Bearer realm=\"https://accounts.google.com/\", error=\"insufficient_scope\", scope=\""
                            + String.join(" ", accepted.stream().sorted().toList()) + "\"");
        }
        return grant;
    }

    /** A header's decoded value, cut to a bounded length; null when absent. */
    private static String header(InternetHeaders headers, String name) {
        String value = headers.getHeader(name, ", ");
        if (value == null) {
            return null;
        }
        try {
            return cut(MimeUtility.decodeText(MimeUtility.unfold(value)));
        } catch (UnsupportedEncodingException e) {
            return cut(value);
        }
    }

    private static String cut(String value) {
        return value.length() > MAX_VALUE_LENGTH ? value.substring(0, MAX_VALUE_LENGTH) + "…" : value;
    }

    /** Counts the bytes read through it. */
    private static final class CountingStream extends FilterInputStream {

        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        /** Reads to the end, keeping nothing. */
        void drain() throws IOException {
            byte[] buffer = new byte[64 * 1024];
            while (read(buffer, 0, buffer.length) >= 0) {
                // counted by read
            }
        }

        long count() {
            return count;
        }
    }
}
