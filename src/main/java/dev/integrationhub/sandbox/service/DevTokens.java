package dev.integrationhub.sandbox.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The sandbox's stand-in for the platform's sign-in: signs a one-hour bearer token for a typed user id, exactly as
 * {@code bin/dev-token} does, so that the example web app at {@code /sandbox/} can call the API without an identity
 * provider. It signs with the public throw-away key in {@code dev/} (read from the working directory, never
 * packaged), which only dev and test mode trust ({@code auth.DevIdentityGuard} refuses a packaged service that
 * trusts it); its endpoint answers only while the sandbox is on, which {@code sandbox.SandboxGuard} allows in dev
 * and test mode alone.
 */
@ApplicationScoped
public class DevTokens {

    /** The dev key's private half, relative to the working directory of dev and test mode (the project). */
    static final Path DEV_SIGNING_KEY = Path.of("dev", "dev-signing-key.pem");
    /** The issuer the dev and test profiles trust ({@code quarkus.oidc.token.issuer}), as {@code bin/dev-token}. */
    static final String ISSUER = "https://dev-identity.integration-hub.invalid";
    /** How long a minted token lives, as {@code bin/dev-token}'s. */
    public static final Duration LIFETIME = Duration.ofHours(1);
    /** The user ids {@code bin/dev-token} accepts. */
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@:-]{1,128}");

    private final InstantSource clock;
    private final ObjectMapper json;

    DevTokens(InstantSource clock, ObjectMapper json) {
        this.clock = clock;
        this.json = json;
    }

    /** Whether {@code userId} is one a dev token may be minted for. */
    public static boolean isValidUserId(String userId) {
        return userId != null && USER_ID.matcher(userId).matches();
    }

    /**
     * A dev bearer token for {@code userId} (checked with {@link #isValidUserId}), or empty when the dev key is not
     * in the working directory (the service does not run from the project).
     */
    public Optional<String> mint(String userId) {
        if (!isValidUserId(userId)) {
            throw new IllegalArgumentException("not a dev user id");
        }
        if (!Files.isReadable(DEV_SIGNING_KEY)) {
            return Optional.empty();
        }
        long now = clock.instant().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", userId);
        claims.put("groups", List.of());
        claims.put("iat", now);
        claims.put("exp", now + LIFETIME.toSeconds());
        try {
            String signingInput = base64Url(json.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT"))) + "."
                    + base64Url(json.writeValueAsBytes(claims));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(readKey());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return Optional.of(signingInput + "." + base64Url(rs256.sign()));
        } catch (JsonProcessingException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a dev token with " + DEV_SIGNING_KEY, e);
        }
    }

    private static PrivateKey readKey() throws GeneralSecurityException {
        String pem;
        try {
            pem = Files.readString(DEV_SIGNING_KEY, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot read " + DEV_SIGNING_KEY, e);
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
