package dev.integrationhub.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * An embedded PostgreSQL that can be stopped and started again as the same database: its files in a directory of
 * the caller's and a fixed port, so that a service configured with its URL finds it again after a restart
 * ({@link DatabaseRestartIT}, {@link FaultsBenchmark}).
 */
final class PostgresOnDisk {

    private PostgresOnDisk() {
    }

    /** A PostgreSQL on {@code port} keeping its files in {@code data}, so that a restart finds the same database. */
    static EmbeddedPostgres start(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }

    /** Deletes a stopped database's directory with everything in it. */
    static void delete(Path data) throws IOException {
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }
}
