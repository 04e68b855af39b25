package dev.integrationhub.error;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Keeps secrets out of trace attributes: the URL attributes the HTTP server instrumentation records (the callback's
 * {@code code} and {@code state} are in its query) are redacted as each span starts, like log lines
 * ({@link SecretRedaction}). The hub's own spans carry no request data, and the REST client's spans (whose URLs
 * hold the Telegram bot token) are not recorded at all ({@code quarkus.otel.instrument.resteasy-client=false}).
 */
@ApplicationScoped
public class SecretFreeSpans implements SpanProcessor {

    private static final List<AttributeKey<String>> URL_ATTRIBUTES = List.of(AttributeKey.stringKey("url.full"),
            AttributeKey.stringKey("url.query"), AttributeKey.stringKey("http.url"),
            AttributeKey.stringKey("http.target"));

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        for (AttributeKey<String> key : URL_ATTRIBUTES) {
            String value = span.getAttribute(key);
            if (value != null) {
                String redacted = key.getKey().equals("url.query") ? SecretRedaction.REDACTED
                        : SecretRedaction.redact(value);
                if (!redacted.equals(value)) {
                    span.setAttribute(key, redacted);
                }
            }
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        // nothing to do once a span ends: its attributes were made safe when it started
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
