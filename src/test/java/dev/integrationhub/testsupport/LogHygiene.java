package dev.integrationhub.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The service's log must never show a secret: no token, code, state, PKCE verifier, cookie, client secret or
 * bearer token that the suite handled ({@link IssuedSecrets}), no Google-style access token ({@code ya29.}) and
 * no JWT bearer token ({@code Bearer ey}).
 * <p>
 * A Jupiter extension, registered for every test class through {@code META-INF/services} and
 * {@code junit.jupiter.extensions.autodetection.enabled=true} (set by quarkus-junit-config's
 * {@code junit-platform.properties}; a {@code junit-platform.properties} of our own would shadow that file and
 * must repeat the setting): after each class it reads the part of
 * {@code target/quarkus-test.log} written while the class ran, and a leak fails that class, so it fails the build.
 * (A JUnit Platform {@code TestExecutionListener} cannot do this: the launcher catches what a listener throws and
 * surefire reports the run green.) So that the check cannot pass vacuously, a class that started connect flows
 * must find them in the log written while it ran. At the end of the run the leak check runs once more, for what
 * the whole log, for what the service logged between classes or after the last one (asynchronous deliveries);
 * a failure there is reported as a failure of "JUnit Jupiter" and fails the build too.
 */
public final class LogHygiene implements BeforeAllCallback, AfterAllCallback {

    static final Path LOG = Path.of("target/quarkus-test.log");
    private static final Pattern GOOGLE_ACCESS_TOKEN = Pattern.compile("ya29\\.[A-Za-z0-9_-]{8,}");
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LogHygiene.class);

    /** Where the log and the count of connect flows stood when a class started. */
    private record Start(long logLength, long connectFlows) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).computeIfAbsent(EndOfRun.class, key -> new EndOfRun(), EndOfRun.class);
        context.getStore(NAMESPACE).put(Start.class, new Start(length(LOG), IssuedSecrets.connectFlows()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Start start = context.getStore(NAMESPACE).get(Start.class, Start.class);
        long from = start == null ? 0 : start.logLength();
        if (start != null && IssuedSecrets.connectFlows() > start.connectFlows()) {
            assertThat(LOG).as("the service's log").exists();
            assertThat(logSince(from)).as("the log written while connect flows ran covers them").contains("Connect flow");
        }
        assertNoSecretIn(logSince(from));
    }

    /** Fails, naming the lines, if the service's log shows a secret. */
    static void assertNoSecretIn(String log) {
        List<String> secrets = IssuedSecrets.all();
        List<String> leaks = log.lines()
                .filter(line -> GOOGLE_ACCESS_TOKEN.matcher(line).find() || line.contains("Bearer ey")
                        || secrets.stream().anyMatch(line::contains))
                .toList();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " lines of " + LOG + " show a secret the suite handled, a Google"
                    + " access token or a bearer token:\n" + String.join("\n", leaks.subList(0, Math.min(10, leaks.size()))));
        }
    }

    /** The check after the last class; the run's connect flows made the suite record many secrets. */
    private static final class EndOfRun implements AutoCloseable {

        private final long connectFlowsBefore = IssuedSecrets.connectFlows();

        @Override
        public void close() {
            if (IssuedSecrets.connectFlows() > connectFlowsBefore) {
                assertThat(IssuedSecrets.all()).as("the suite recorded what it handled").hasSizeGreaterThan(20);
            }
            assertNoSecretIn(logSince(0));
        }
    }

    /** The log from this byte on; all of it if it was rotated since. */
    private static String logSince(long offset) {
        if (!Files.exists(LOG)) {
            return "";
        }
        String log = read(LOG);
        byte[] bytes = log.getBytes(StandardCharsets.UTF_8);
        return offset <= bytes.length ? new String(bytes, (int) offset, bytes.length - (int) offset, StandardCharsets.UTF_8)
                : log;
    }

    private static long length(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
