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
 * file so that {@code LogHygieneTest} can check that none of them reached the service's log.
 */
public final class IssuedSecrets {

    public static final Path FILE = Path.of("target/issued-secrets.txt");

    private IssuedSecrets() {
    }

    public static synchronized void record(String... secrets) {
        try {
            Files.createDirectories(FILE.getParent());
            StringBuilder lines = new StringBuilder();
            for (String secret : secrets) {
                if (secret != null && !secret.isBlank()) {
                    lines.append(secret).append('\n');
                }
            }
            Files.writeString(FILE, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
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
