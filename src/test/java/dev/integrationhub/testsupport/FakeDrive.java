package dev.integrationhub.testsupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.extension.StubLifecycleListener;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * Google Drive's resumable upload ({@code files.create} with {@code uploadType=resumable}) as a WireMock extension, so
 * the hub's uploads through the official client cross real HTTP and meet Drive's answers, failures included.
 * <p>
 * The initiation ({@code POST …/upload/drive/v3/files?uploadType=resumable}, JSON metadata) opens a session and
 * answers 200 with its absolute URI in {@code Location}. Each {@code PUT} to that URI with
 * {@code Content-Range: bytes a-b/total} (or {@code /*}) appends its bytes if {@code a} is what the session holds,
 * and answers {@code 308 Resume Incomplete} with {@code Range: bytes=0-n} (none while nothing is held), or 200 with
 * the file resource once {@code total} bytes arrived; a chunk that does not start where the session stands is
 * dropped and answered with the true {@code Range}, so the client resumes from there. An empty {@code PUT} with
 * {@code Content-Range: bytes *}{@code /total} is a status query. The resource holds only the fields the initiation
 * asked for in {@code fields} and Drive's defaults ({@code kind, id, name, mimeType}) without it; {@code size} is a
 * string, as Drive writes it.
 * <p>
 * Faults are armed per chunk number, counted over all sessions since the last reset (data-carrying {@code PUT}s
 * only, status queries are not chunks), and fire once. Every session keeps its bytes in memory: meant for uploads of
 * a few MB.
 * <p>
 * Register one instance with the server ({@code WireMockConfiguration.options().extensions(drive)}) and
 * {@link #install} its stubs after every reset of the server's mappings; such a reset also forgets every session
 * and armed fault ({@link #afterStubsReset}). WireMock un-gzips every request body that starts with gzip's magic
 * bytes, even without {@code Content-Encoding: gzip}: a chunk that starts a gzip file fails (WireMock answers 500
 * when it holds part of the stream, this fake 400 when the un-gzipped length no longer matches the range), so upload
 * other content through this fake.
 */
public final class FakeDrive implements ResponseDefinitionTransformerV2, StubLifecycleListener {

    /** The transformer's name, which {@link #install}ed stubs refer to. */
    public static final String NAME = "fake-drive";

    private static final String UPLOAD_PATH = "upload/drive/v3/files";
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");
    private static final List<String> DEFAULT_FIELDS = List.of("kind", "id", "name", "mimeType");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final List<Session> started = new CopyOnWriteArrayList<>();
    private final Map<Integer, Fault> faults = new ConcurrentHashMap<>();
    private final AtomicInteger chunks = new AtomicInteger();

    /**
     * What one upload session received, at the time {@link #uploads()} was asked.
     *
     * @param uploadId the session's {@code upload_id}
     * @param fileId the id the file gets (the client learns it when the upload completes)
     * @param metadataJson the initiation's body as sent ({@code {}} when empty)
     * @param name the metadata's {@code name}, or null
     * @param mimeType the metadata's {@code mimeType}, or null
     * @param parents the metadata's {@code parents}, empty when absent
     * @param uploadContentType the initiation's {@code X-Upload-Content-Type}
     * @param uploadContentLength the initiation's {@code X-Upload-Content-Length}
     * @param authorizations the {@code Authorization} header of every request of the session, in order
     * @param bytes the bytes the session holds
     * @param chunkRequests data-carrying {@code PUT}s, failed and dropped ones included
     * @param statusQueries empty {@code PUT}s asking how far the session got
     * @param completed whether the session answered with the file resource
     */
    public record Upload(String uploadId, String fileId, String metadataJson, String name, String mimeType,
            List<String> parents, Optional<String> uploadContentType, OptionalLong uploadContentLength,
            List<String> authorizations, byte[] bytes, int chunkRequests, int statusQueries, boolean completed) {
    }

    /** Arms the {@code chunkNumber}-th chunk (1-based) to answer {@code status} with a Google error and keep nothing. */
    public void failChunk(int chunkNumber, int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        faults.put(positive(chunkNumber), new Fault.Fail(status));
    }

    /**
     * Arms the {@code chunkNumber}-th chunk (1-based) to be answered only after {@code delay}: its bytes are kept at
     * once, so a client that times out finds them held when it asks.
     */
    public void delayChunk(int chunkNumber, Duration delay) {
        faults.put(positive(chunkNumber), new Fault.Delay(delay));
    }

    /** Every session since the last reset, in the order they were opened. */
    public List<Upload> uploads() {
        return started.stream().map(Session::snapshot).toList();
    }

    /** Forgets every session and armed fault, and counts chunks from 1 again. */
    public void reset() {
        sessions.clear();
        started.clear();
        faults.clear();
        chunks.set(0);
    }

    /**
     * Registers the upload endpoint's stubs under {@code pathPrefix} on a server. The official client uploads to
     * {@code /upload/drive/v3/files} at the root of its root URL's host, whatever path the root URL has, so it needs
     * {@code /}.
     */
    public static void install(WireMockServer server, String pathPrefix) {
        stubs(pathPrefix).forEach(server::stubFor);
    }

    /** Registers the upload endpoint's stubs under {@code pathPrefix} through a server's admin API. */
    public static void install(WireMock admin, String pathPrefix) {
        stubs(pathPrefix).forEach(admin::register);
    }

    private static List<MappingBuilder> stubs(String pathPrefix) {
        String path = pathPrefix + UPLOAD_PATH;
        return List.of(
                post(urlPathEqualTo(path)).withQueryParam("uploadType", equalTo("resumable"))
                        .willReturn(aResponse().withTransformers(NAME)),
                put(urlPathEqualTo(path)).willReturn(aResponse().withTransformers(NAME)));
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public void afterStubsReset() {
        reset();
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        LoggedRequest request = serveEvent.getRequest();
        String authorization = request.getHeader("Authorization");
        if (authorization == null) {
            return error(401, "required", "Login Required.");
        }
        if (RequestMethod.POST.equals(request.getMethod())) {
            return initiate(request, authorization);
        }
        String uploadId = queryParameter(request, "upload_id");
        Session session = uploadId == null ? null : sessions.get(uploadId);
        if (session == null) {
            return error(404, "notFound", "No upload session with this upload_id.");
        }
        String contentRange = request.getHeader("Content-Range");
        byte[] body = request.getBody();
        if (contentRange == null) {
            return body.length == 0 ? error(400, "badContent", "A PUT without Content-Range carries the whole file.")
                    : chunk(session, authorization, 0, body, body.length);
        }
        Matcher range = CONTENT_RANGE.matcher(contentRange);
        if (!range.matches()) {
            return error(400, "badContent", "Failed to parse Content-Range header.");
        }
        long total = "*".equals(range.group(3)) ? -1 : Long.parseLong(range.group(3));
        if (range.group(1) == null) {
            return body.length == 0 ? session.statusQuery(authorization, total)
                    : error(400, "badContent", "A status query carries no body.");
        }
        long first = Long.parseLong(range.group(1));
        if (Long.parseLong(range.group(2)) - first + 1 != body.length) {
            return error(400, "badContent", "The body's length does not match its Content-Range.");
        }
        return chunk(session, authorization, first, body, total);
    }

    private ResponseDefinition initiate(LoggedRequest request, String authorization) {
        String metadata = request.getBody().length == 0 ? "{}" : new String(request.getBody(), StandardCharsets.UTF_8);
        JsonNode json;
        try {
            json = JSON.readTree(metadata);
        } catch (IOException e) {
            return error(400, "parseError", "Parse Error");
        }
        if (!json.isObject()) {
            return error(400, "parseError", "Parse Error");
        }
        String declaredLength = request.getHeader("X-Upload-Content-Length");
        Session session = new Session(UUID.randomUUID().toString(), "1" + UUID.randomUUID().toString().replace("-", ""),
                metadata, json, Optional.ofNullable(request.getHeader("X-Upload-Content-Type")),
                declaredLength == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(declaredLength)),
                queryParameter(request, "fields"), authorization);
        sessions.put(session.uploadId, session);
        started.add(session);
        return aResponse().withStatus(200)
                .withHeader("Location", request.getAbsoluteUrl() + "&upload_id=" + session.uploadId).build();
    }

    private ResponseDefinition chunk(Session session, String authorization, long first, byte[] body, long total) {
        Fault fault = faults.remove(chunks.incrementAndGet());
        if (fault instanceof Fault.Fail(int status)) {
            session.failedChunk(authorization);
            return error(status, reason(status), message(status));
        }
        ResponseDefinition answer = session.chunk(authorization, first, body, total);
        if (fault instanceof Fault.Delay(Duration delay)) {
            return ResponseDefinitionBuilder.like(answer).withFixedDelay(Math.toIntExact(delay.toMillis())).build();
        }
        return answer;
    }

    private static String queryParameter(LoggedRequest request, String name) {
        var parameter = request.queryParameter(name);
        return parameter.isPresent() ? parameter.firstValue() : null;
    }

    private static int positive(int chunkNumber) {
        if (chunkNumber < 1) {
            throw new IllegalArgumentException("chunks are counted from 1: " + chunkNumber);
        }
        return chunkNumber;
    }

    private static String reason(int status) {
        return switch (status) {
            case 401 -> "authError";
            case 403 -> "userRateLimitExceeded";
            case 404 -> "notFound";
            case 429 -> "rateLimitExceeded";
            default -> status >= 500 ? "backendError" : "badRequest";
        };
    }

    private static String message(int status) {
        return switch (status) {
            case 401 -> "Invalid Credentials";
            case 403 -> "User Rate Limit Exceeded";
            case 404 -> "Not Found";
            case 429 -> "Rate Limit Exceeded";
            default -> status >= 500 ? "Backend Error" : "Bad Request";
        };
    }

    /** A Google API error: {@code {"error":{"code","message","errors":[{"domain","reason","message"}]}}}. */
    private static ResponseDefinition error(int status, String reason, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error").put("code", status).put("message", message);
        error.putArray("errors").addObject().put("domain", "global").put("reason", reason).put("message", message);
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody(body.toString()).build();
    }

    /** What a chunk is armed with. */
    private sealed interface Fault {

        /** Answer this error status and keep nothing. */
        record Fail(int status) implements Fault {
        }

        /** Keep the bytes, answer late. */
        record Delay(Duration delay) implements Fault {
        }
    }

    /** One upload session's state; every access holds its lock. */
    private static final class Session {

        private final String uploadId;
        private final String fileId;
        private final String metadataJson;
        private final JsonNode metadata;
        private final Optional<String> uploadContentType;
        private final OptionalLong uploadContentLength;
        private final String fields;
        private final List<String> authorizations = new ArrayList<>();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private int chunkRequests;
        private int statusQueries;
        private boolean completed;

        Session(String uploadId, String fileId, String metadataJson, JsonNode metadata,
                Optional<String> uploadContentType, OptionalLong uploadContentLength, String fields,
                String initiationAuthorization) {
            this.uploadId = uploadId;
            this.fileId = fileId;
            this.metadataJson = metadataJson;
            this.metadata = metadata;
            this.uploadContentType = uploadContentType;
            this.uploadContentLength = uploadContentLength;
            this.fields = fields;
            authorizations.add(initiationAuthorization);
        }

        synchronized void failedChunk(String authorization) {
            authorizations.add(authorization);
            chunkRequests++;
        }

        synchronized ResponseDefinition chunk(String authorization, long first, byte[] body, long total) {
            authorizations.add(authorization);
            chunkRequests++;
            if (completed) {
                return resource();
            }
            if (total >= 0 && (first + body.length > total
                    || uploadContentLength.isPresent() && uploadContentLength.getAsLong() != total)) {
                return error(400, "badContent", "The chunk does not fit the upload's length.");
            }
            if (first == received.size()) {
                received.writeBytes(body);
            }
            return progress(total);
        }

        synchronized ResponseDefinition statusQuery(String authorization, long total) {
            authorizations.add(authorization);
            statusQueries++;
            return completed ? resource() : progress(total);
        }

        /** 200 with the resource once {@code total} bytes are held, else 308 with what is held. */
        private ResponseDefinition progress(long total) {
            if (received.size() == total) {
                completed = true;
                return resource();
            }
            ResponseDefinitionBuilder incomplete = aResponse().withStatus(308).withStatusMessage("Resume Incomplete");
            if (received.size() > 0) {
                incomplete.withHeader("Range", "bytes=0-" + (received.size() - 1));
            }
            return incomplete.build();
        }

        private ResponseDefinition resource() {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("kind", "drive#file");
            file.put("id", fileId);
            file.put("name", name() == null ? "Untitled" : name());
            file.put("mimeType", mimeType() != null ? mimeType() : uploadContentType.orElse("application/octet-stream"));
            file.put("parents", parents());
            file.put("size", String.valueOf(received.size()));
            file.put("webViewLink", "https://drive.google.com/file/d/" + fileId + "/view");
            ObjectNode body = JSON.createObjectNode();
            for (String field : requestedFields()) {
                if (file.containsKey(field)) {
                    body.set(field, JSON.valueToTree(file.get(field)));
                }
            }
            return aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                    .withBody(body.toString()).build();
        }

        /** The top-level names in {@code fields}; {@code *} stands for all of them. */
        private List<String> requestedFields() {
            if (fields == null) {
                return DEFAULT_FIELDS;
            }
            if ("*".equals(fields.trim())) {
                return List.of("kind", "id", "name", "mimeType", "parents", "size", "webViewLink");
            }
            return Arrays.stream(fields.split(",")).map(f -> f.split("[(/]", 2)[0].trim()).toList();
        }

        private String name() {
            return metadata.path("name").isTextual() ? metadata.get("name").asText() : null;
        }

        private String mimeType() {
            return metadata.path("mimeType").isTextual() ? metadata.get("mimeType").asText() : null;
        }

        private List<String> parents() {
            List<String> parents = new ArrayList<>();
            metadata.path("parents").forEach(parent -> parents.add(parent.asText()));
            return List.copyOf(parents);
        }

        synchronized Upload snapshot() {
            return new Upload(uploadId, fileId, metadataJson, name(), mimeType(), parents(), uploadContentType,
                    uploadContentLength, List.copyOf(authorizations), received.toByteArray(), chunkRequests,
                    statusQueries, completed);
        }
    }
}
