package dev.integrationhub.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers that start some time after their port is chosen. A port the kernel hands out for
 * {@code new ServerSocket(0)} lies in its ephemeral range, where every outgoing connection also takes its local
 * port: in a suite making thousands of connections one of them may hold it by the time its server binds (a
 * sandbox profile's start failed so on CI, and Quarkus then kept the failed profile's port for the next
 * profiles). Ports here are drawn below that range (Linux: 32768-60999), which only listeners use.
 */
public final class FreePorts {

    private static final int LOWEST = 20000;
    private static final int HIGHEST = 32767;
    private static final int ATTEMPTS = 200;

    private FreePorts() {
    }

    /** A port nothing listens on now, below the ephemeral range. */
    public static int pick() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST + 1);
            try (ServerSocket socket = new ServerSocket(port)) {
                return port;
            } catch (IOException taken) {
                // another listener has it: draw again
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + HIGHEST);
    }

    /**
     * A port picked once per JVM and kept in the system property {@code property}, so that every class loader of
     * the JVM (Quarkus gives each test profile its own) gets the same one.
     */
    public static synchronized int pickOnce(String property) {
        String kept = System.getProperty(property);
        if (kept == null) {
            kept = String.valueOf(pick());
            System.setProperty(property, kept);
        }
        return Integer.parseInt(kept);
    }
}
