package dev.integrationhub.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The lease check at start: a lease must outlast a run's look-ahead plus two provider call timeouts. */
class RefreshSchedulerTest {

    @ParameterizedTest(name = "lease {0}, interval {1}, timeout {2}: accepted {3}")
    @CsvSource({
            "PT2M, PT30S, PT10S, true",
            "PT51S, PT30S, PT10S, true",
            "PT50S, PT30S, PT10S, false",
            "PT30S, PT30S, PT1S, false",
            "PT10S, PT30S, PT10S, false" })
    void leaseMustBeLongerThanIntervalPlusTwoProviderTimeouts(Duration lease, Duration interval, Duration timeout,
            boolean accepted) {
        assertThat(RefreshScheduler.leaseProblem(lease, interval, timeout).isEmpty()).isEqualTo(accepted);
    }
}
