package dev.integrationhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Exponential backoff with full jitter, capped, and never shorter than {@code Retry-After}. */
class BackoffTest {

    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
    private static final int DRAWS = 5000;

    @ParameterizedTest(name = "after {0} failures: [0, {1}] ms")
    @CsvSource({ "1, 100", "2, 200", "3, 400", "4, 800", "5, 1000", "6, 1000", "40, 1000" })
    void aDelayStaysBetweenZeroAndTheCappedExponentialCeiling(int failedAttempts, long ceilingMillis) {
        long longest = 0;
        for (int i = 0; i < DRAWS; i++) {
            long delay = BACKOFF.next(failedAttempts, Optional.empty()).toMillis();
            assertThat(delay).isBetween(0L, ceilingMillis);
            longest = Math.max(longest, delay);
        }
        assertThat(longest).as("draws spread up to the ceiling").isGreaterThan(ceilingMillis / 2);
    }

    @ParameterizedTest(name = "after {0} failures")
    @ValueSource(ints = { 1, 3, 10 })
    void aRetryAfterLongerThanTheDrawWins(int failedAttempts) {
        for (int i = 0; i < DRAWS; i++) {
            assertThat(BACKOFF.next(failedAttempts, Optional.of(Duration.ofMillis(1000))))
                    .isEqualTo(Duration.ofMillis(1000));
        }
    }

    @ParameterizedTest(name = "after {0} failures")
    @ValueSource(ints = { 1, 3, 10 })
    void aRetryAfterBeyondTheMaximumIsCappedAtTheMaximum(int failedAttempts) {
        for (int i = 0; i < DRAWS; i++) {
            assertThat(BACKOFF.next(failedAttempts, Optional.of(Duration.ofDays(3)))).isEqualTo(Duration.ofMillis(1000));
        }
    }

    @ParameterizedTest(name = "after {0} failures")
    @ValueSource(ints = { 1, 3, 10 })
    void aRetryAfterShorterThanTheDrawDoesNotShortenIt(int failedAttempts) {
        for (int i = 0; i < DRAWS; i++) {
            assertThat(BACKOFF.next(failedAttempts, Optional.of(Duration.ZERO))).isBetween(Duration.ZERO,
                    Duration.ofMillis(1000));
        }
    }

    @ParameterizedTest(name = "Retry-After: {0} -> {1} s")
    @CsvSource({ "0, 0", "120, 120", "999999, 999999" })
    void aRetryAfterInSecondsIsRead(String header, long seconds) {
        assertThat(Backoff.retryAfter(answerWith(header))).contains(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest(name = "Retry-After: \"{0}\" is ignored")
    @ValueSource(strings = { "Wed, 21 Oct 2015 07:28:00 GMT", "-1", "1.5", "1e3", "1234567", "soon", "" })
    void aRetryAfterThatIsNotDigitsIsIgnored(String header) {
        assertThat(Backoff.retryAfter(answerWith(header))).isEmpty();
    }

    @Test
    void noRetryAfterAsksForNoDelay() {
        assertThat(Backoff.retryAfter(new Answer(HttpHeaders.of(Map.of(), (name, value) -> true)))).isEmpty();
    }

    private static HttpResponse<Void> answerWith(String retryAfter) {
        return new Answer(HttpHeaders.of(Map.of("Retry-After", List.of(retryAfter)), (name, value) -> true));
    }

    /** An HTTP answer with only headers. */
    private record Answer(HttpHeaders headers) implements HttpResponse<Void> {

        @Override
        public int statusCode() {
            return 503;
        }

        @Override
        public HttpRequest request() {
            return HttpRequest.newBuilder(uri()).build();
        }

        @Override
        public Optional<HttpResponse<Void>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public Void body() {
            return null;
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return URI.create("https://provider.example/token");
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
