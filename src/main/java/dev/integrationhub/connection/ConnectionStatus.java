package dev.integrationhub.connection;

import java.util.Arrays;
import java.util.Locale;

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
