package dev.integrationhub.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

/** The ports tests start servers on later: free, and where outgoing connections do not take theirs. */
class FreePortsTest {

    @Test
    void aPickedPortIsBelowTheEphemeralRangeAndCanBeListenedOn() throws IOException {
        int port = FreePorts.pick();

        assertThat(port).isBetween(20000, 32767);
        try (ServerSocket server = new ServerSocket(port)) {
            assertThat(server.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aPortPickedOnceIsTheSameOnEachAskAndKeptInItsSystemProperty() {
        String property = "integrationhub.free-ports-test." + System.nanoTime();
        try {
            int first = FreePorts.pickOnce(property);

            assertThat(FreePorts.pickOnce(property)).isEqualTo(first);
            assertThat(System.getProperty(property)).isEqualTo(String.valueOf(first));
        } finally {
            System.clearProperty(property);
        }
    }
}
