package dev.integrationhub.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.integrationhub.config.HubConfig;

/**
 * The bearer tokens verified lately, so that a client presenting the same token again (the web app and platform
 * services reuse one until it expires) is not verified again: an RS256 signature check and the parsing of the
 * token's claims took a third of the CPU of the read endpoints. A token is remembered until it expires, and at
 * most {@code hub.auth.verified-token-ttl} after its verification; {@code hub.auth.verified-token-cache-size}
 * bounds how many are, the oldest going first. Tokens are known by their SHA-256 only, never kept as keys.
 * <p>
 * Remembering a verified token is as good as verifying it again because nothing else OIDC checks changes with
 * time but the expiry: the signature, issuer and audience stay as they were, and a {@code nbf} that was passed
 * stays passed. Not so for sender-constrained tokens (bound to a client certificate or a DPoP key), whose binding
 * holds per request: with those configured nothing is remembered.
 */
@Singleton
class VerifiedTokens {

    private record Entry(VerifiedIdentity identity, Instant validUntil) {
    }

    /**
     * Never updated, only cloned: a clone per token instead of {@code MessageDigest.getInstance}, whose provider
     * lookup cost a third of each hash (and each request presents one).
     */
    private static final MessageDigest SHA_256 = sha256Prototype();

    private final int maxSize;
    private final Duration ttl;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    /** The keys of {@link #entries}, oldest first; guards the changes of both. */
    private final ArrayDeque<String> order = new ArrayDeque<>();
    private final LongAdder verifications = new LongAdder();

    @Inject
    VerifiedTokens(HubConfig config, InstantSource clock,
            @ConfigProperty(name = "quarkus.oidc.token.binding.certificate", defaultValue = "false") boolean certificateBound,
            @ConfigProperty(name = "quarkus.oidc.token.authorization-scheme", defaultValue = "Bearer") String scheme) {
        this(certificateBound || scheme.equalsIgnoreCase("DPoP") ? 0 : config.auth().verifiedTokenCacheSize(),
                config.auth().verifiedTokenTtl(), clock);
    }

    VerifiedTokens(int maxSize, Duration ttl, InstantSource clock) {
        this.maxSize = maxSize;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The identity of a token verified lately and not expired since. */
    Optional<VerifiedIdentity> find(String token) {
        if (maxSize == 0) {
            return Optional.empty();
        }
        Entry entry = entries.get(sha256(token));
        if (entry == null || !clock.instant().isBefore(entry.validUntil())) {
            return Optional.empty();
        }
        return Optional.of(entry.identity());
    }

    /** Remembers a token OIDC has just verified, with the identity it made of it. */
    void remember(String token, Instant expiresAt, VerifiedIdentity identity) {
        verifications.increment();
        Instant now = clock.instant();
        Instant validUntil = expiresAt.isBefore(now.plus(ttl)) ? expiresAt : now.plus(ttl);
        if (maxSize == 0 || !now.isBefore(validUntil)) {
            return;
        }
        String key = sha256(token);
        synchronized (order) {
            if (entries.put(key, new Entry(identity, validUntil)) == null) {
                order.addLast(key);
            }
            while (order.size() > maxSize || !order.isEmpty() && !now.isBefore(entries.get(order.peekFirst()).validUntil())) {
                entries.remove(order.pollFirst());
            }
        }
    }

    /** How many tokens OIDC has verified (each one a signature check), remembered or not. */
    long verifications() {
        return verifications.sum();
    }

    /** How many tokens are remembered, expired ones not yet dropped included. */
    int size() {
        return entries.size();
    }

    private static String sha256(String token) {
        try {
            MessageDigest digest = (MessageDigest) SHA_256.clone();
            return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest sha256Prototype() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
