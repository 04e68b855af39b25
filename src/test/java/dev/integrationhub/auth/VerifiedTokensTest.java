package dev.integrationhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.integrationhub.testsupport.TestClock;

/** The bounds of the verified-token cache, which no request can show: its size, and size 0. */
class VerifiedTokensTest {

    private final TestClock clock = new TestClock();

    @Test
    void theCacheNeverHoldsMoreThanItsSizeAndForgetsTheOldestFirst() {
        VerifiedTokens tokens = new VerifiedTokens(2, Duration.ofMinutes(1), clock);

        for (String token : new String[] { "token-1", "token-2", "token-3" }) {
            tokens.remember(token, clock.instant().plus(Duration.ofMinutes(10)), identity(token));
            assertThat(tokens.size()).isLessThanOrEqualTo(2);
        }

        assertThat(tokens.find("token-1")).isEmpty();
        assertThat(tokens.find("token-2")).map(found -> found.principal().getName()).contains("token-2");
        assertThat(tokens.find("token-3")).map(found -> found.principal().getName()).contains("token-3");
    }

    @Test
    void expiredTokensAreDroppedBeforeTheCacheFills() {
        VerifiedTokens tokens = new VerifiedTokens(10, Duration.ofMinutes(1), clock);
        tokens.remember("token-1", clock.instant().plus(Duration.ofMinutes(10)), identity("token-1"));

        clock.advance(Duration.ofMinutes(2));
        tokens.remember("token-2", clock.instant().plus(Duration.ofMinutes(10)), identity("token-2"));

        assertThat(tokens.size()).isEqualTo(1);
        assertThat(tokens.find("token-1")).isEmpty();
    }

    @Test
    void sizeZeroRemembersNothing() {
        VerifiedTokens tokens = new VerifiedTokens(0, Duration.ofMinutes(1), clock);

        tokens.remember("token-1", clock.instant().plus(Duration.ofMinutes(10)), identity("token-1"));

        assertThat(tokens.find("token-1")).isEmpty();
        assertThat(tokens.size()).isZero();
        assertThat(tokens.verifications()).isEqualTo(1);
    }

    @Test
    void aTokenAlreadyExpiredIsNotRemembered() {
        VerifiedTokens tokens = new VerifiedTokens(10, Duration.ofMinutes(1), clock);

        tokens.remember("token-1", clock.instant(), identity("token-1"));

        assertThat(tokens.size()).isZero();
    }

    private static VerifiedIdentity identity(String name) {
        return new VerifiedIdentity(() -> name, Set.of(), Set.of(), Set.of(), Map.of());
    }

}
