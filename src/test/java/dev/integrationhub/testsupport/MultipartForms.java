package dev.integrationhub.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code multipart/form-data} bodies written byte by byte, as curl and browsers write them, for tests that need
 * exact control over a form (part order, a broken ending) that an HTTP client library would not give.
 */
public final class MultipartForms {

    private MultipartForms() {
    }

    /** A plain field part (without its boundary line). */
    public static byte[] field(String name, String value) {
        return ("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A file part (without its boundary line); {@code type} may be null for none. */
    public static byte[] file(String name, String filename, String type, byte[] content) {
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        part.writeBytes(("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n"
                + (type == null ? "" : "Content-Type: " + type + "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8));
        part.writeBytes(content);
        return part.toByteArray();
    }

    /** A whole body: each part after a boundary line, the closing boundary line last. */
    public static byte[] form(String boundary, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            body.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            body.writeBytes(part);
            body.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return body.toByteArray();
    }
}
