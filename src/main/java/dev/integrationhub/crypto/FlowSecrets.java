package dev.integrationhub.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** The random values of a connect flow and how they are hashed, compared and derived (PKCE S256). */
public final class FlowSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private FlowSecrets() {
    }

    /** 256 random bits as base64url (43 characters): flow handles, states, binding values, PKCE verifiers. */
    public static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /** A random code of {@code length} decimal digits, for a person to type (e.g. a chat verification code). */
    public static String digits(int length) {
        StringBuilder code = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            code.append((char) ('0' + RANDOM.nextInt(10)));
        }
        return code.toString();
    }

    public static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code value} hashes to {@code expectedHash}, in constant time. */
    public static boolean matches(String value, byte[] expectedHash) {
        return value != null && expectedHash != null && MessageDigest.isEqual(sha256(value), expectedHash);
    }

    /** The RFC 7636 S256 code challenge of a verifier. */
    public static String pkceChallenge(String verifier) {
        return BASE64URL.encodeToString(sha256(verifier));
    }
}
