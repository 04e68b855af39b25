package dev.integrationhub.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

import com.google.crypto.tink.KeysetHandle;

import dev.integrationhub.crypto.Keysets;
import dev.integrationhub.testsupport.FreePorts;
import dev.integrationhub.testsupport.Tokens;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) started as operators start it: a plain
 * {@code java -jar} with configuration in environment variables only, none inherited from this JVM's
 * environment.
 */
final class PackagedService implements AutoCloseable {

    /** The audience platform tokens carry for the hub, as a packaged service requires one. */
    static final String AUDIENCE = "integration-hub";
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private final Process process;
    private final Path output;
    final int port;
    final int managementPort;

    private PackagedService(Process process, Path output, int port, int managementPort) {
        this.process = process;
        this.output = output;
        this.port = port;
        this.managementPort = managementPort;
    }

    /**
     * Everything a production start needs, as environment variables: the database, the keyset, Google's token
     * endpoint, and an identity provider's public key (a random one: no dev token is accepted).
     */
    static Map<String, String> environment(EmbeddedPostgres postgres, KeysetHandle keyset, String tokenUri) {
        return environment(postgres, keyset, tokenUri, Tokens.newRsaKeyPair().getPublic());
    }

    /** As {@link #environment(EmbeddedPostgres, KeysetHandle, String)}, trusting tokens signed for this key. */
    static Map<String, String> environment(EmbeddedPostgres postgres, KeysetHandle keyset, String tokenUri,
            PublicKey identityProviderKey) {
        Map<String, String> environment = new HashMap<>();
        environment.put("HUB_PUBLIC_URL", "https://hub.example.com");
        environment.put("HUB_FRONTEND_URL", "https://app.example.com");
        environment.put("HUB_CRYPTO_KEYSET", Keysets.toJson(keyset));
        environment.put("HUB_PROVIDERS_GOOGLE_CLIENT_ID", "packaged-client");
        environment.put("HUB_PROVIDERS_GOOGLE_CLIENT_SECRET", "packaged-secret");
        environment.put("HUB_PROVIDERS_GOOGLE_TOKEN_URI", tokenUri);
        environment.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.getJdbcUrl("postgres", "postgres"));
        environment.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        environment.put("QUARKUS_DATASOURCE_PASSWORD", "unused");
        environment.put("QUARKUS_OIDC_TOKEN_AUDIENCE", AUDIENCE);
        environment.put("QUARKUS_OIDC_PUBLIC_KEY", Base64.getEncoder().encodeToString(identityProviderKey.getEncoded()));
        return environment;
    }

    static PackagedService start(Map<String, String> environment) {
        return start(environment, List.of());
    }

    /** Starts the service with these options for its JVM, e.g. {@code -Xmx256m}. */
    static PackagedService start(Map<String, String> environment, List<String> javaOptions) {
        return start(JAR, environment, javaOptions);
    }

    /** Starts the service from another build's {@code quarkus-run.jar}, e.g. a copy kept for a benchmark. */
    static PackagedService start(Path jar, Map<String, String> environment, List<String> javaOptions) {
        try {
            int port = FreePorts.pick();
            Path output = Files.createTempFile("packaged-service", ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(javaOptions);
            command.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("HUB_") || name.startsWith("QUARKUS_"));
            builder.environment().putAll(environment);
            builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
            int managementPort = FreePorts.pick();
            builder.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
            return new PackagedService(builder.start(), output, port, managementPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The service's process id (its JVM's), e.g. to read {@code /proc/<pid>/status}. */
    long pid() {
        return process.pid();
    }

    /** Ends the process at once with SIGKILL, as a crash or an OOM kill would: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Whether the process has ended. */
    boolean hasExited() {
        return !process.isAlive();
    }

    /** Waits for the process to end by itself and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** Waits until {@code /q/health/ready} answers 200. */
    void awaitReady(Duration timeout) {
        try {
            await("ready").atMost(timeout).pollInterval(Duration.ofMillis(200)).until(this::ready);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not ready after " + timeout + ":\n" + output(), e);
        }
    }

    /** Whether {@code /q/health/ready} answers 200; fails at once if the process has ended. */
    private boolean ready() throws InterruptedException {
        if (!process.isAlive()) {
            throw new AssertionError("exited with " + process.exitValue() + ":\n" + output());
        }
        try {
            return management("/q/health/ready").statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    HttpResponse<String> get(String path, Map<String, String> headers) throws IOException, InterruptedException {
        return send(request(port, path, headers).GET());
    }

    /** A GET on the management interface (health, metrics, OpenAPI). */
    HttpResponse<String> management(String path) throws IOException, InterruptedException {
        return send(request(managementPort, path, Map.of()).GET());
    }

    HttpResponse<String> post(String path, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        return send(request(port, path, headers).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpRequest.Builder request(int port, String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return request;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines the service printed that are not stack frames. */
    List<String> messages() {
        return output().lines().filter(line -> !line.stripLeading().startsWith("at ")).toList();
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        Files.deleteIfExists(output);
    }
}
