package dev.integrationhub.hostile;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP/1.1 over a plain socket, for requests an HTTP client library refuses to send or sends differently: a
 * declared length the body never reaches, a chunked body, raw bytes in a path. Each request closes its connection
 * ({@code Connection: close}), so the answer is everything the hub sends until it closes.
 */
final class RawHttp {

    private static final int TIMEOUT_MILLIS = 20_000;

    private final URL hub;

    RawHttp(URL hub) {
        this.hub = hub;
    }

    /** A parsed answer. Header names are lower case. */
    record Answer(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Sends {@code head} (the request line and headers, without the empty line that ends them; {@code Host} and
     * {@code Connection: close} are added) and then {@code body}, and reads the answer. The hub may answer and
     * close before it has read the whole body; that is not an error here.
     */
    Answer send(String head, byte[] body) {
        try (Socket socket = new Socket(hub.getHost(), hub.getPort())) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            CompletableFuture<byte[]> answer = CompletableFuture.supplyAsync(() -> readAll(socket));
            OutputStream out = socket.getOutputStream();
            try {
                out.write((head + "\r\nHost: " + hub.getHost() + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
            } catch (IOException e) {
                // the hub answered and closed before it read everything
            }
            return parse(answer.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A body in HTTP/1.1 chunked transfer coding, in chunks of {@code chunkSize} bytes. */
    static byte[] chunked(byte[] content, int chunkSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int offset = 0; offset < content.length; offset += chunkSize) {
            int length = Math.min(chunkSize, content.length - offset);
            out.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(content, offset, length);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    /**
     * Reads one answer: its head, then as many bytes as its {@code Content-Length} says, or chunks up to the last
     * one, or (neither given) everything until the hub closes. The hub need not close at once when it answers
     * before reading the body (a declared length it refused is still owed).
     */
    private static byte[] readAll(Socket socket) {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int read = in.read(); read >= 0; read = in.read()) {
                answer.write(read);
                String text = answer.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0 && complete(text, end)) {
                    break;
                }
            }
        } catch (IOException e) {
            // a reset after the answer: keep what came
        }
        return answer.toByteArray();
    }

    private static boolean complete(String text, int headEnd) {
        String head = text.substring(0, headEnd).toLowerCase(Locale.ROOT);
        int length = head.indexOf("\r\ncontent-length:");
        if (length >= 0) {
            int lineEnd = head.indexOf("\r\n", length + 2);
            String value = head.substring(length + 17, lineEnd < 0 ? head.length() : lineEnd).trim();
            return text.length() - headEnd - 4 >= Integer.parseInt(value);
        }
        return head.contains("\r\ntransfer-encoding: chunked") && text.endsWith("\r\n0\r\n\r\n");
    }

    private static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            throw new AssertionError("Not an HTTP answer: " + text.substring(0, Math.min(200, text.length())));
        }
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Answer(Integer.parseInt(lines[0].substring(9, 12)), headers,
                new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String dechunk(String body) {
        StringBuilder content = new StringBuilder();
        int position = 0;
        while (position < body.length()) {
            int lineEnd = body.indexOf("\r\n", position);
            int length = Integer.parseInt(body.substring(position, lineEnd).trim(), 16);
            if (length == 0) {
                break;
            }
            content.append(body, lineEnd + 2, lineEnd + 2 + length);
            position = lineEnd + 2 + length + 2;
        }
        return content.toString();
    }
}
