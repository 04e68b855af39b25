package dev.integrationhub.http;

import static dev.integrationhub.testsupport.MultipartForms.field;
import static dev.integrationhub.testsupport.MultipartForms.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.integrationhub.http.MultipartReader.MalformedException;
import dev.integrationhub.http.MultipartReader.Part;
import dev.integrationhub.testsupport.MultipartForms;

/** The streaming multipart reader against bodies as clients write them, and as they break. */
class MultipartReaderTest {

    private static final String BOUNDARY = "----hub-boundary-7MA4YWxkTrZu0gW";
    private static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    @Test
    void fieldsAndAFileAreReadInOrderAndByteExact() throws IOException {
        byte[] file = random(1_500_000);
        byte[] body = body(field("name", "Figures Q3.bin"), file("file", "figures.bin", "application/pdf", file),
                field("note", "after"));

        List<Part> parts = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        MultipartReader reader = MultipartReader.of(new ByteArrayInputStream(body), CONTENT_TYPE);
        Optional<Part> part;
        while ((part = reader.next()).isPresent()) {
            parts.add(part.get());
            contents.add(part.get().body().readAllBytes());
        }

        assertThat(parts).extracting(Part::name).containsExactly("name", "file", "note");
        assertThat(parts.get(0).filename()).isEmpty();
        assertThat(parts.get(1).filename()).contains("figures.bin");
        assertThat(parts.get(1).contentType()).contains("application/pdf");
        assertThat(new String(contents.get(0), StandardCharsets.UTF_8)).isEqualTo("Figures Q3.bin");
        assertThat(contents.get(1)).isEqualTo(file);
        assertThat(new String(contents.get(2), StandardCharsets.UTF_8)).isEqualTo("after");
    }

    @Test
    void aFileIsReadWholeWhenTheBodyArrivesOneByteAtATime() throws IOException {
        byte[] file = random(70_000);
        byte[] body = body(field("name", "x"), file("file", "a.bin", null, file));

        MultipartReader reader = MultipartReader.of(trickle(new ByteArrayInputStream(body)), CONTENT_TYPE);
        assertThat(reader.next()).get().extracting(Part::name).isEqualTo("name");
        Part filePart = reader.next().orElseThrow();

        assertThat(readInPieces(filePart.body(), 7)).isEqualTo(file);
        assertThat(reader.next()).isEmpty();
    }

    @Test
    void bytesThatAlmostFormTheDelimiterStayInTheFile() throws IOException {
        String almost = "\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1) + "X\r\n-" + BOUNDARY + "\r\n";
        byte[] file = (almost + almost + "\r\n--").getBytes(StandardCharsets.ISO_8859_1);

        MultipartReader reader = MultipartReader.of(new ByteArrayInputStream(body(file("file", "a", null, file))),
                CONTENT_TYPE);

        assertThat(reader.next().orElseThrow().body().readAllBytes()).isEqualTo(file);
        assertThat(reader.next()).isEmpty();
    }

    @Test
    void partsNotReadAreSkipped() throws IOException {
        byte[] body = body(file("file", "a.bin", null, random(600_000)), field("name", "kept"));

        MultipartReader reader = MultipartReader.of(new ByteArrayInputStream(body), CONTENT_TYPE);
        reader.next().orElseThrow();
        Part name = reader.next().orElseThrow();

        assertThat(new String(name.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("kept");
    }

    @Test
    void aQuotedBoundaryAPreambleAndAnEpilogueAreUnderstood() throws IOException {
        String body = "preamble to ignore\r\n--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"name\"\r\n\r\nvalue\r\n--" + BOUNDARY + "--\r\nepilogue";

        MultipartReader reader = MultipartReader.of(stream(body), "multipart/form-data; boundary=\"" + BOUNDARY + "\"");

        assertThat(reader.next().orElseThrow().body().readAllBytes()).asString(StandardCharsets.UTF_8)
                .isEqualTo("value");
        assertThat(reader.next()).isEmpty();
    }

    @Test
    void aFileNameWithAnEscapedQuoteIsUnescaped() throws IOException {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".txt\""
                + "\r\n\r\nx\r\n--" + BOUNDARY + "--\r\n";

        Part part = MultipartReader.of(stream(body), CONTENT_TYPE).next().orElseThrow();

        assertThat(part.filename()).contains("a \"b\".txt");
    }

    @Test
    void aBodyThatBreaksOffInsideAPartIsMalformed() throws IOException {
        byte[] body = body(file("file", "a.bin", null, random(100_000)));
        byte[] cut = Arrays.copyOf(body, body.length - 200);

        Part part = MultipartReader.of(new ByteArrayInputStream(cut), CONTENT_TYPE).next().orElseThrow();

        assertThatThrownBy(() -> part.body().readAllBytes()).isInstanceOf(MalformedException.class)
                .hasMessageContaining("ends inside a part");
    }

    @Test
    void aBodyWithoutTheBoundaryIsMalformed() throws IOException {
        MultipartReader reader = MultipartReader.of(stream("just some text"), CONTENT_TYPE);

        assertThatThrownBy(reader::next).isInstanceOf(MalformedException.class);
    }

    @Test
    void aContentTypeWithoutABoundaryOrNotMultipartIsRefused() {
        assertThatThrownBy(() -> MultipartReader.of(stream(""), "multipart/form-data"))
                .isInstanceOf(MalformedException.class).hasMessageContaining("boundary");
        assertThatThrownBy(() -> MultipartReader.of(stream(""), "application/json"))
                .isInstanceOf(MalformedException.class).hasMessageContaining("not a multipart");
        assertThatThrownBy(() -> MultipartReader.of(stream(""), null)).isInstanceOf(MalformedException.class);
    }

    @Test
    void headersLongerThanTheLimitAreMalformed() throws IOException {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Filler: "
                + "y".repeat(MultipartReader.MAX_HEADER_BYTES) + "\r\n\r\nx\r\n--" + BOUNDARY + "--\r\n";

        MultipartReader reader = MultipartReader.of(stream(body), CONTENT_TYPE);

        assertThatThrownBy(reader::next).isInstanceOf(MalformedException.class).hasMessageContaining("headers");
    }

    @Test
    void aPartWithoutFormDataDispositionIsMalformed() throws IOException {
        String body = "--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" + BOUNDARY + "--\r\n";

        MultipartReader reader = MultipartReader.of(stream(body), CONTENT_TYPE);

        assertThatThrownBy(reader::next).isInstanceOf(MalformedException.class)
                .hasMessageContaining("Content-Disposition");
    }

    private static byte[] body(byte[]... parts) {
        return MultipartForms.form(BOUNDARY, parts);
    }

    private static byte[] readInPieces(InputStream in, int piece) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[piece];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }

    private static InputStream trickle(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
