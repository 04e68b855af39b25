package dev.integrationhub.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import io.smallrye.jwt.build.Jwt;

/** Bearer tokens for tests, signed like {@code bin/dev-token} does (or deliberately not). */
public final class Tokens {

    public static final String DEV_ISSUER = "https://dev-identity.integration-hub.invalid";
    public static final Path DEV_KEY = Path.of("dev/dev-signing-key.pem");

    private static final PrivateKey DEV_SIGNING_KEY = readPrivateKey(DEV_KEY);

    private Tokens() {
    }

    /** A valid dev token for the user. */
    public static String forUser(String userId) {
        return Jwt.issuer(DEV_ISSUER).subject(userId).expiresIn(Duration.ofMinutes(10)).sign(DEV_SIGNING_KEY);
    }

    /** A valid dev token for the user that expires at the given time (the token's {@code exp} is in seconds). */
    public static String forUserUntil(String userId, Instant expiresAt) {
        return Jwt.issuer(DEV_ISSUER).subject(userId).expiresAt(expiresAt).sign(DEV_SIGNING_KEY);
    }

    /** A platform service's token: its client id as subject and {@code azp}, and the given role. */
    public static String forService(String clientId, String role) {
        String token = Jwt.issuer(DEV_ISSUER).subject(clientId).claim("azp", clientId).groups(role)
                .expiresIn(Duration.ofMinutes(5)).sign(DEV_SIGNING_KEY);
        IssuedSecrets.record(token);
        return token;
    }

    /** A dev token that expired an hour ago. */
    public static String expired(String userId) {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        return Jwt.issuer(DEV_ISSUER).subject(userId).issuedAt(past).expiresAt(past.plus(Duration.ofHours(1)))
                .sign(DEV_SIGNING_KEY);
    }

    /** A token from another issuer, signed with the dev key. */
    public static String withIssuer(String issuer, String userId) {
        return Jwt.issuer(issuer).subject(userId).expiresIn(Duration.ofMinutes(10)).sign(DEV_SIGNING_KEY);
    }

    /** A token with every claim right but signed by the given key. */
    public static String signedWith(PrivateKey key, String issuer, String userId) {
        return Jwt.issuer(issuer).subject(userId).expiresIn(Duration.ofMinutes(10)).sign(key);
    }

    /** A dev token without a {@code sub} claim. */
    public static String withoutSubject() {
        return Jwt.issuer(DEV_ISSUER).claim("name", "nobody").expiresIn(Duration.ofMinutes(10)).sign(DEV_SIGNING_KEY);
    }

    public static KeyPair newRsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PrivateKey readPrivateKey(Path pem) {
        try {
            String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
