package dev.integrationhub.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The flow's random values, their hashes and the PKCE challenge. */
class FlowSecretsTest {

    @Test
    void thePkceChallengeIsTheS256OfRfc7636AppendixB() {
        assertThat(FlowSecrets.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    @Test
    void aRandomValueIs43Base64UrlCharacters() {
        for (int i = 0; i < 100; i++) {
            assertThat(FlowSecrets.random()).matches("[A-Za-z0-9_-]{43}");
        }
    }

    @Test
    void randomValuesDoNotRepeat() {
        Set<String> values = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            values.add(FlowSecrets.random());
        }
        assertThat(values).hasSize(1000);
    }

    @Test
    void aValueMatchesItsOwnHash() {
        String value = FlowSecrets.random();
        assertThat(FlowSecrets.matches(value, FlowSecrets.sha256(value))).isTrue();
    }

    @Test
    void anotherValueDoesNotMatch() {
        assertThat(FlowSecrets.matches(FlowSecrets.random(), FlowSecrets.sha256(FlowSecrets.random()))).isFalse();
    }

    @Test
    void aMissingValueOrHashNeverMatches() {
        assertThat(FlowSecrets.matches(null, FlowSecrets.sha256("x"))).isFalse();
        assertThat(FlowSecrets.matches("x", null)).isFalse();
    }
}
