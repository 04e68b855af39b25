package dev.integrationhub.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of processes on this machine, read from {@code /proc/<pid>/stat}, in clock ticks of 10 ms (Linux's
 * {@code USER_HZ} of 100): what a benchmark charges to the service, or to PostgreSQL, per unit of work.
 */
final class ProcessCpu {

    /** Fields of {@code /proc/<pid>/stat} counted after the command name's closing parenthesis. */
    private static final int PPID = 1;
    private static final int UTIME = 11;
    private static final int STIME = 12;
    private static final int CUTIME = 13;
    private static final int CSTIME = 14;

    private ProcessCpu() {
    }

    /** User + system time of one process (a JVM counts all its threads). */
    static long ticks(long pid) {
        String[] fields = fields(Path.of("/proc", String.valueOf(pid), "stat"));
        return Long.parseLong(fields[UTIME]) + Long.parseLong(fields[STIME]);
    }

    /**
     * User + system time of a process and of all its children, those still running and those it has waited for: a
     * PostgreSQL server's, whose work is done in one child process per connection (and a few background ones) under
     * the postmaster. A child that ends between two readings moves from the live sum to the parent's waited-for
     * sum, so differences between readings stay whole.
     */
    static long ticksWithChildren(long parent) {
        String[] own = fields(Path.of("/proc", String.valueOf(parent), "stat"));
        long total = Long.parseLong(own[UTIME]) + Long.parseLong(own[STIME]) + Long.parseLong(own[CUTIME])
                + Long.parseLong(own[CSTIME]);
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .toList()) {
                String[] fields = fieldsIfRunning(process.resolve("stat"));
                if (fields != null && Long.parseLong(fields[PPID]) == parent) {
                    total += Long.parseLong(fields[UTIME]) + Long.parseLong(fields[STIME]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total;
    }

    private static String[] fields(Path stat) {
        String[] fields = fieldsIfRunning(stat);
        if (fields == null) {
            throw new IllegalStateException(stat + " is gone: the process has ended");
        }
        return fields;
    }

    /** The fields after the command name (which may hold spaces and parentheses); null once the process has ended. */
    private static String[] fieldsIfRunning(Path stat) {
        try {
            String line = Files.readString(stat);
            return line.substring(line.lastIndexOf(')') + 2).split(" ");
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
