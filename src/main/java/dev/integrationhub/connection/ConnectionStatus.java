package dev.integrationhub.connection;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a connection's grant stands: {@code active} → {@code degraded} (refresh failing, retrying) →
 * {@code active} or {@code needs_reauth} (the user must connect again); {@code revoked} after disconnect.
 */
public enum ConnectionStatus {
    ACTIVE,
    DEGRADED,
    NEEDS_REAUTH,
    REVOKED;

    /**
     * The statuses whose grants are kept fresh. The one definition used by the due-scan SQL, on-demand refresh
     * and the backlog metric (and by the partial index of migration V3, which lists the same names).
     */
    public static final Set<ConnectionStatus> REFRESHABLE = Collections.unmodifiableSet(EnumSet.of(ACTIVE, DEGRADED));

    /** Whether the grant is kept fresh: see {@link #REFRESHABLE}. */
    public boolean isRefreshable() {
        return REFRESHABLE.contains(this);
    }

    /** The name in the database and in JSON. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ConnectionStatus fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown connection status " + name));
    }

    @Converter(autoApply = true)
    static class DatabaseConverter implements AttributeConverter<ConnectionStatus, String> {

        @Override
        public String convertToDatabaseColumn(ConnectionStatus status) {
            return status == null ? null : status.wireName();
        }

        @Override
        public ConnectionStatus convertToEntityAttribute(String name) {
            return name == null ? null : fromWireName(name);
        }
    }
}
