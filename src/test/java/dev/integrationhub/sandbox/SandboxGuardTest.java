package dev.integrationhub.sandbox;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.LaunchMode;

/** The sandbox may run in dev and test mode only; the packaged service's refusal is {@code PackagedServiceIT}'s. */
class SandboxGuardTest {

    @Test
    void aPackagedServiceWithTheSandboxOnIsRefusedNamingTheKey() {
        assertThatIllegalStateException().isThrownBy(() -> SandboxGuard.refuseOutsideDevAndTest(true, LaunchMode.NORMAL))
                .withMessageContaining("hub.sandbox.enabled");
    }

    @Test
    void devAndTestModeMayRunTheSandbox() {
        assertThatCode(() -> {
            SandboxGuard.refuseOutsideDevAndTest(true, LaunchMode.DEVELOPMENT);
            SandboxGuard.refuseOutsideDevAndTest(true, LaunchMode.TEST);
        }).doesNotThrowAnyException();
    }

    @Test
    void aPackagedServiceWithTheSandboxOffStarts() {
        assertThatCode(() -> SandboxGuard.refuseOutsideDevAndTest(false, LaunchMode.NORMAL)).doesNotThrowAnyException();
    }
}
