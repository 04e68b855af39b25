// A fake Google Drive for the upload benchmark: Drive's resumable upload at /upload/drive/v3/files (initiation,
// chunks with Content-Range answered 308 + Range or 200 with the file: id, size, and the name and type its metadata
// gave; status queries), POST /direct (a plain body, the baseline `curl --data-binary @file` posts to) and GET /stats
// ({"bytes": accepted bytes, "uploads": completed resumable uploads and direct posts}). It keeps no content, only
// counts bytes per session and in total. With a link rate, it reads request bodies no faster than that many MiB/s in
// all (one link shared by every upload, as a network link to Drive would be); 0 or none: as fast as they come.
//   java bench/fake-drive/FakeDrive.java <port> [link-MiB/s]     (JDK 25, no dependencies)

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** The benchmark's fake Drive: counts what arrives, answers as Drive's resumable upload does, stores nothing. */
public class FakeDrive {

    private static final String UPLOAD_PATH = "/upload/drive/v3/files";
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");

    private static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();
    private static final AtomicLong BYTES = new AtomicLong();
    private static final AtomicLong UPLOADS = new AtomicLong();
    /** Nanoseconds per byte on the link; 0: unlimited. */
    private static double nanosPerByte;
    /** How far reading may run ahead of the link's rate before it waits. */
    private static final long PACE_SLACK_NANOS = 5_000_000;
    /** When the link is free again (System.nanoTime()). */
    private static long linkFreeAt;

    /**
     * One resumable session: the name and type from its metadata (still JSON-escaped), how many bytes it accepted,
     * and whether they are the whole file.
     */
    private static final class Session {
        final String fileId = "1" + UUID.randomUUID().toString().replace("-", "");
        final String name;
        final String mimeType;
        long received;
        boolean completed;

        Session(String metadata) {
            this.name = field(metadata, "name", "Untitled");
            this.mimeType = field(metadata, "mimeType", "application/octet-stream");
        }

        /** A string field of the metadata as it was written (escapes kept, so it can be echoed into JSON as is). */
        private static String field(String metadata, String field, String otherwise) {
            Matcher value = Pattern.compile("\"" + field + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(metadata);
            return value.find() ? value.group(1) : otherwise;
        }
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        double linkMibPerSecond = args.length > 1 ? Double.parseDouble(args[1]) : 0;
        nanosPerByte = linkMibPerSecond > 0 ? 1e9 / (linkMibPerSecond * 1024 * 1024) : 0;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(UPLOAD_PATH, exchange -> answer(exchange, FakeDrive::upload));
        server.createContext("/direct", exchange -> answer(exchange, FakeDrive::direct));
        server.createContext("/stats", exchange -> answer(exchange, e -> respond(e, 200,
                "{\"bytes\": " + BYTES.get() + ", \"uploads\": " + UPLOADS.get() + "}")));
        server.start();
        System.out.println("fake drive listening on " + port);
    }

    /** A handler that may fail with IOException. */
    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private static void answer(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange) {
            handler.handle(exchange);
        }
    }

    private static void direct(HttpExchange exchange) throws IOException {
        long bytes = count(exchange.getRequestBody());
        BYTES.addAndGet(bytes);
        UPLOADS.incrementAndGet();
        respond(exchange, 200, "{\"bytes\": " + bytes + "}");
    }

    private static void upload(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if ("POST".equals(method)) {
            String metadata = new String(body(exchange).readAllBytes(), StandardCharsets.UTF_8);
            String uploadId = UUID.randomUUID().toString();
            SESSIONS.put(uploadId, new Session(metadata));
            exchange.getResponseHeaders().set("Location", "http://" + exchange.getRequestHeaders().getFirst("Host")
                    + UPLOAD_PATH + "?uploadType=resumable&upload_id=" + uploadId);
            respond(exchange, 200, "");
            return;
        }
        String query = String.valueOf(exchange.getRequestURI().getRawQuery());
        Matcher id = Pattern.compile("(?:^|&)upload_id=([^&]+)").matcher(query);
        Session session = id.find() ? SESSIONS.get(id.group(1)) : null;
        Matcher range = CONTENT_RANGE.matcher(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Range")));
        if (!"PUT".equals(method) || session == null || !range.matches()) {
            count(exchange.getRequestBody());
            int status = session == null ? 404 : 400;
            respond(exchange, status, "{\"error\": {\"code\": " + status + ", \"message\": \""
                    + (session == null ? "Not Found" : "Bad Request") + "\"}}");
            return;
        }
        long total = "*".equals(range.group(3)) ? -1 : Long.parseLong(range.group(3));
        synchronized (session) {
            if (range.group(1) != null && !session.completed && Long.parseLong(range.group(1)) == session.received) {
                long bytes = count(body(exchange));
                session.received += bytes;
                BYTES.addAndGet(bytes);
            } else {
                count(exchange.getRequestBody());
            }
            if (!session.completed && session.received == total) {
                session.completed = true;
                UPLOADS.incrementAndGet();
            }
            if (session.completed) {
                respond(exchange, 200, "{\"kind\": \"drive#file\", \"id\": \"" + session.fileId + "\", \"name\": \""
                        + session.name + "\", \"mimeType\": \"" + session.mimeType + "\", \"size\": \""
                        + session.received + "\", \"webViewLink\": \"https://drive.google.com/file/d/" + session.fileId
                        + "/view\"}");
            } else {
                if (session.received > 0) {
                    exchange.getResponseHeaders().set("Range", "bytes=0-" + (session.received - 1));
                }
                exchange.sendResponseHeaders(308, -1);
            }
        }
    }

    /** The request body, un-gzipped when it says it is gzipped (the client gzips metadata, not upload chunks). */
    private static InputStream body(HttpExchange exchange) throws IOException {
        InputStream body = exchange.getRequestBody();
        boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
        return gzip ? new GZIPInputStream(body) : body;
    }

    /** Reads a body to its end through a 64 KiB buffer; returns its length. */
    private static long count(InputStream body) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long bytes = 0;
        for (int read; (read = body.read(buffer)) != -1;) {
            bytes += read;
            pace(read);
        }
        return bytes;
    }

    /**
     * Waits until the link has carried {@code bytes} more, when it has a rate: only once it is more than
     * {@link #PACE_SLACK_NANOS} behind, since a sleep lasts longer than a 64 KiB read takes at hundreds of MiB/s.
     */
    private static void pace(int bytes) throws IOException {
        if (nanosPerByte == 0) {
            return;
        }
        long due;
        synchronized (FakeDrive.class) {
            linkFreeAt = Math.max(linkFreeAt, System.nanoTime()) + (long) (bytes * nanosPerByte);
            due = linkFreeAt;
        }
        try {
            for (long wait; (wait = due - System.nanoTime()) > PACE_SLACK_NANOS;) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while pacing", e);
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        if (body.length > 0) {
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
