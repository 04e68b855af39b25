package dev.integrationhub.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;

/**
 * Keeps the dev-only identity out of every packaged service. In dev and test mode bearer tokens may be
 * signed with the public throw-away key in {@code dev/} ({@code bin/dev-token}); a packaged service refuses
 * to start if its OIDC configuration trusts that key, whatever profile it runs with.
 */
@Startup
@ApplicationScoped
public class DevIdentityGuard {

    /** SHA-256 of the DER public key in {@code dev/dev-signing-key.pub.pem}. */
    static final String DEV_PUBLIC_KEY_SHA256 = "91f3724e469783ded33844280fc39d33124ba5be55db5dcfee326888f52b3f7b";

    DevIdentityGuard(@ConfigProperty(name = "quarkus.oidc.public-key") Optional<String> trustedKey) {
        if (!LaunchMode.current().isDevOrTest() && trustedKey.filter(DevIdentityGuard::isDevKey).isPresent()) {
            throw new IllegalStateException("quarkus.oidc.public-key trusts the dev-only signing key of dev/:"
                    + " a packaged service never accepts dev tokens. Point quarkus.oidc.auth-server-url at the"
                    + " platform's identity provider instead.");
        }
    }

    /** Whether a configured public key (PEM or base64 DER) is the dev key. */
    static boolean isDevKey(String publicKey) {
        String base64 = publicKey.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der)).equals(DEV_PUBLIC_KEY_SHA256);
        } catch (IllegalArgumentException e) {
            return false;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
