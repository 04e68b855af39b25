package dev.integrationhub.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Every secret the test suite sees (tokens, codes, states, verifiers, cookies, client secrets), written to a
 * file so that {@link LogHygiene} can check that none of them reached the service's log; and the connect flows the
 * suite started, so that it can check that the log covers them. (Files, because the tests run in the
 * application's class loader and the check in JUnit's.)
 */
public final class IssuedSecrets {

    public static final Path FILE = Path.of("target/issued-secrets.txt");
    static final Path CONNECT_FLOWS = Path.of("target/connect-flows.txt");

    private IssuedSecrets() {
    }

    public static synchronized void record(String... secrets) {
        StringBuilder lines = new StringBuilder();
        for (String secret : secrets) {
            if (secret != null && !secret.isBlank()) {
                lines.append(secret).append('\n');
            }
        }
        append(FILE, lines);
    }

    /** A connect flow started with this handle (a secret too). */
    public static synchronized void connectFlowStarted(String flowHandle) {
        record(flowHandle);
        append(CONNECT_FLOWS, "flow\n");
    }

    /** How many connect flows the suite has started (in this run and earlier ones). */
    static synchronized long connectFlows() {
        try {
            return Files.exists(CONNECT_FLOWS) ? Files.size(CONNECT_FLOWS) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void append(Path file, CharSequence text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> all() {
        try {
            return Files.exists(FILE) ? Files.readAllLines(FILE).stream().distinct().toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
