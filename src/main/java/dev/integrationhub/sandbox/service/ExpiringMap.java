package dev.integrationhub.sandbox.service;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The sandbox's memory: a map whose entries expire and whose size is bounded, so that a sandbox left running (or a
 * loop in a test) cannot grow without end. Expired entries are dropped as they are met and swept when the map is
 * full; a map still full after the sweep refuses new entries.
 */
final class ExpiringMap<K, V> {

    private record Entry<V>(V value, Instant expiresAt) {
    }

    private final ConcurrentMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final int maxSize;

    ExpiringMap(InstantSource clock, int maxSize) {
        this.clock = clock;
        this.maxSize = maxSize;
    }

    /** Adds an entry; throws {@link Full} when the map holds {@code maxSize} live entries already. */
    void put(K key, V value, Instant expiresAt) {
        if (entries.size() >= maxSize) {
            Instant now = clock.instant();
            entries.values().removeIf(entry -> !entry.expiresAt().isAfter(now));
            if (entries.size() >= maxSize) {
                throw new Full();
            }
        }
        entries.put(key, new Entry<>(value, expiresAt));
    }

    /** The live value of a key. */
    Optional<V> get(K key) {
        if (key == null) {
            return Optional.empty();
        }
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!entry.expiresAt().isAfter(clock.instant())) {
            entries.remove(key, entry);
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    /** Removes a key and returns its live value: a one-time value is taken by exactly one caller. */
    Optional<V> take(K key) {
        if (key == null) {
            return Optional.empty();
        }
        Entry<V> entry = entries.remove(key);
        return entry == null || !entry.expiresAt().isAfter(clock.instant()) ? Optional.empty()
                : Optional.of(entry.value());
    }

    /** Replaces the live value of a key, keeping its expiry; an absent or expired key stays absent. */
    void update(K key, UnaryOperator<V> change) {
        Instant now = clock.instant();
        entries.computeIfPresent(key, (k, entry) -> entry.expiresAt().isAfter(now)
                ? new Entry<>(change.apply(entry.value()), entry.expiresAt())
                : null);
    }

    /** Every live value, in no particular order. */
    List<V> values() {
        Instant now = clock.instant();
        return entries.values().stream().filter(entry -> entry.expiresAt().isAfter(now)).map(Entry::value).toList();
    }

    /** Removes every entry whose value matches. */
    void removeValues(Predicate<V> matching) {
        entries.values().removeIf(entry -> matching.test(entry.value()));
    }

    /** The map is full of live entries. */
    static final class Full extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Full() {
            super("the sandbox holds too many live entries", null, false, false);
        }
    }
}
