package dev.integrationhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.integrationhub.testsupport.Tokens;

/** The dev signing key is recognised however it is spelled, so a packaged service can refuse to trust it. */
class DevIdentityGuardTest {

    @Test
    void recognisesTheDevKeyInEitherSpelling() throws IOException {
        String pem = Files.readString(Path.of("dev/dev-signing-key.pub.pem"));
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");

        assertThat(DevIdentityGuard.isDevKey(pem)).isTrue();
        assertThat(DevIdentityGuard.isDevKey(base64)).isTrue();
    }

    @Test
    void anyOtherKeyIsNotTheDevKey() {
        String other = Base64.getEncoder().encodeToString(Tokens.newRsaKeyPair().getPublic().getEncoded());

        assertThat(DevIdentityGuard.isDevKey(other)).isFalse();
        assertThat(DevIdentityGuard.isDevKey("not base64 !")).isFalse();
    }
}
