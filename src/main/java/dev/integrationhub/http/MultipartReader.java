package dev.integrationhub.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/form-data} body part by part as it streams in, so that a large file part can be
 * handled while it arrives (the Drive upload starts sending while the request is still coming). The HTTP layer's
 * own parser spools a file part completely before anyone sees it, and writes it in 1 KiB pieces; this one hands
 * out each part's body as an {@link InputStream} read straight from a large buffer, and finds the boundary with a
 * Boyer-Moore-Horspool search, which skips most bytes of a file without looking at them.
 *
 * <p>
 * Each part's headers are limited ({@link #MAX_HEADER_BYTES}); a body that does not follow RFC 7578 fails with
 * {@link MalformedException}. Not thread-safe: one reader at a time (the parts follow one another).
 */
public final class MultipartReader {

    /** The most bytes a part's header section may have. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int BUFFER_SIZE = 256 * 1024;
    private static final int INVENTED_LINE_BREAK = 2;
    private static final Pattern BOUNDARY = Pattern
            .compile("(?i)(?:^|;)\\s*boundary\\s*=\\s*(?:\"([^\"]{1,70})\"|([^;\\s]{1,70}))");
    private static final Pattern NAME = Pattern.compile("(?i)(?:^|;)\\s*name\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]*))");
    private static final Pattern FILENAME = Pattern
            .compile("(?i)(?:^|;)\\s*filename\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^;\\s]*))");

    /** One part: its form field name, file name (none for a plain field), content type and body. */
    public record Part(String name, Optional<String> filename, Optional<String> contentType, InputStream body) {
    }

    /** The body is not {@code multipart/form-data} as RFC 7578 and RFC 2046 describe it. */
    public static final class MalformedException extends IOException {

        MalformedException(String message) {
            super(message);
        }
    }

    private final InputStream in;
    /** CR LF "--" boundary: what ends every part's body. */
    private final byte[] delimiter;
    private final int[] skip = new int[256];
    private final byte[] buffer;
    private int position;
    private int limit;
    /** Bytes dropped from the buffer's start so far (all before {@link #position}). */
    private long dropped;
    private boolean endOfInput;
    private boolean finished;
    private PartBody current;

    private MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buffer = new byte[Math.max(BUFFER_SIZE, MAX_HEADER_BYTES + 2 * delimiter.length)];
        Arrays.fill(skip, delimiter.length);
        for (int i = 0; i < delimiter.length - 1; i++) {
            skip[delimiter[i] & 0xff] = delimiter.length - 1 - i;
        }
        // the first boundary line has no CR LF before it: read the body as if it had one
        buffer[0] = '\r';
        buffer[1] = '\n';
        limit = INVENTED_LINE_BREAK;
    }

    /**
     * A reader of {@code body}, whose media type (with its {@code boundary} parameter) is {@code contentType}.
     *
     * @throws MalformedException the content type is not multipart or has no usable boundary
     */
    public static MultipartReader of(InputStream body, String contentType) throws MalformedException {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            throw new MalformedException("not a multipart body");
        }
        Matcher boundary = BOUNDARY.matcher(contentType.substring(contentType.indexOf(';') + 1));
        if (!boundary.find()) {
            throw new MalformedException("the content type names no boundary");
        }
        return new MultipartReader(body, boundary.group(1) != null ? boundary.group(1) : boundary.group(2));
    }

    /**
     * The next part, after the rest of the current one (read or not) is skipped; empty after the last part.
     *
     * @throws MalformedException the body breaks off or does not follow the format
     */
    public Optional<Part> next() throws IOException {
        if (current != null) {
            current.skipRest();
            current = null;
        } else if (!finished && !skipPreamble()) {
            throw new MalformedException("no boundary in the body");
        }
        if (finished) {
            return Optional.empty();
        }
        if (!fill(2)) {
            throw new MalformedException("the body ends after a boundary");
        }
        if (buffer[position] == '-' && buffer[position + 1] == '-') {
            finished = true;
            return Optional.empty();
        }
        String headers = readHeaders();
        current = new PartBody();
        return Optional.of(part(headers, current));
    }

    /** Reads up to the first boundary and past it; false when the body has none. */
    private boolean skipPreamble() throws IOException {
        while (true) {
            int found = find();
            if (found >= 0) {
                position = found + delimiter.length;
                return true;
            }
            if (endOfInput) {
                return false;
            }
            position = Math.max(position, limit - delimiter.length + 1);
            fill(limit - position + 1);
        }
    }

    private String readHeaders() throws IOException {
        // transport padding after the boundary, then CR LF
        while (true) {
            if (!fill(1)) {
                throw new MalformedException("the body ends after a boundary");
            }
            byte b = buffer[position];
            if (b == ' ' || b == '\t') {
                position++;
            } else {
                break;
            }
        }
        expect('\r');
        expect('\n');
        if (fill(2) && buffer[position] == '\r' && buffer[position + 1] == '\n') {
            position += 2;
            return "";
        }
        while (true) {
            int end = indexOfBlankLine();
            if (end - position > MAX_HEADER_BYTES) {
                throw new MalformedException("a part's headers are longer than " + MAX_HEADER_BYTES + " bytes");
            }
            if (end >= 0) {
                String headers = new String(buffer, position, end - position, StandardCharsets.UTF_8);
                position = end + 4;
                return headers;
            }
            if (limit - position >= MAX_HEADER_BYTES) {
                throw new MalformedException("a part's headers are longer than " + MAX_HEADER_BYTES + " bytes");
            }
            if (!fill(limit - position + 1)) {
                throw new MalformedException("the body ends in a part's headers");
            }
        }
    }

    private int indexOfBlankLine() {
        for (int i = position; i + 3 < limit; i++) {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void expect(char c) throws IOException {
        if (!fill(1) || buffer[position] != c) {
            throw new MalformedException("a boundary line is not followed by CR LF");
        }
        position++;
    }

    private static Part part(String headers, PartBody body) throws MalformedException {
        String disposition = null;
        String contentType = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                if (line.isEmpty()) {
                    continue;
                }
                throw new MalformedException("a part's header line has no name");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("content-disposition")) {
                disposition = value;
            } else if (name.equals("content-type")) {
                contentType = value;
            }
        }
        if (disposition == null || !disposition.toLowerCase(Locale.ROOT).startsWith("form-data")) {
            throw new MalformedException("a part has no Content-Disposition: form-data");
        }
        String parameters = disposition.substring("form-data".length());
        Matcher name = NAME.matcher(parameters);
        if (!name.find()) {
            throw new MalformedException("a part has no field name");
        }
        Matcher filename = FILENAME.matcher(parameters);
        Optional<String> file = filename.find()
                ? Optional.of(filename.group(1) != null ? filename.group(1).replaceAll("\\\\(.)", "$1")
                        : filename.group(2))
                : Optional.empty();
        return new Part(name.group(1) != null ? name.group(1) : name.group(2), file,
                Optional.ofNullable(contentType), body);
    }

    /** How many bytes of the body come before the next byte to be read (a part's first, when it has just begun). */
    public long offset() {
        return dropped + position - INVENTED_LINE_BREAK;
    }

    /**
     * How many bytes the closing boundary line takes when a client ends the body as RFC 2046 shows it (CR LF "--"
     * boundary "--" CR LF, no epilogue): with {@link #offset()} and the body's declared length, how long the last
     * part's body should be.
     */
    public int closingLength() {
        return delimiter.length + 4;
    }

    /**
     * Where the delimiter starts in the buffered bytes from {@link #position}, or -1 when it is not (completely)
     * there.
     */
    private int find() {
        int last = delimiter.length - 1;
        int i = position;
        while (i + last < limit) {
            byte end = buffer[i + last];
            if (end == delimiter[last] && Arrays.equals(buffer, i, i + last, delimiter, 0, last)) {
                return i;
            }
            i += skip[end & 0xff];
        }
        return -1;
    }

    /**
     * Makes at least {@code wanted} bytes available from {@link #position} (moving them to the buffer's start if
     * needed); false when the input ends first.
     */
    private boolean fill(int wanted) throws IOException {
        if (limit - position >= wanted) {
            return true;
        }
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            dropped += position;
            position = 0;
        }
        while (limit < wanted && !endOfInput) {
            int read = in.read(buffer, limit, buffer.length - limit);
            if (read < 0) {
                endOfInput = true;
            } else {
                limit += read;
            }
        }
        return limit - position >= wanted;
    }

    /** The body of the current part: bytes up to the next delimiter. */
    private final class PartBody extends BulkInputStream {

        private boolean done;

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (done || current != this) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            while (true) {
                int found = find();
                int available = found >= 0 ? found - position : limit - position - (delimiter.length - 1);
                if (available > 0) {
                    int n = Math.min(available, length);
                    System.arraycopy(buffer, position, target, offset, n);
                    position += n;
                    return n;
                }
                if (found >= 0) {
                    position = found + delimiter.length;
                    done = true;
                    return -1;
                }
                if (endOfInput || !fill(Math.min(buffer.length, limit - position + 1))) {
                    throw new MalformedException("the body ends inside a part");
                }
            }
        }

        void skipRest() throws IOException {
            byte[] scratch = new byte[8192];
            while (read(scratch, 0, scratch.length) >= 0) {
                // discarded
            }
        }
    }
}
