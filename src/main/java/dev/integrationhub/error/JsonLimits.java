package dev.integrationhub.error;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.integrationhub.config.HubConfig;
import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Tighter limits than Jackson's defaults for request JSON: a body within the byte limit can otherwise still cost
 * much to parse. A request over them is answered 400 {@code json_too_large}. Strings may be as long as a Gmail
 * attachment in base64 needs; the per-route body limits ({@link HttpLayerProblems}) keep every other route's
 * strings short.
 * <p>
 * A name given twice in one object is malformed JSON (400 {@code malformed_json}): which of the two values counts
 * is not defined, so a proxy may check one and the hub act on the other; and a record's constructor property
 * given twice made Jackson fail as if the hub's own types were wrong (500).
 */
@Singleton
public class JsonLimits implements ObjectMapperCustomizer {

    static final int MAX_NESTING_DEPTH = 32;
    /** Strings are never limited below Jackson's own default. */
    static final int MIN_STRING_LENGTH = 20_000_000;
    static final int MAX_NUMBER_LENGTH = 64;

    private final int maxStringLength;

    @Inject
    JsonLimits(HubConfig config) {
        this(Math.ceilDiv(config.gmail().maxMessageSize().asLongValue(), 3) * 4);
    }

    /** @param maxStringLength the longest string accepted (at least Jackson's default) */
    public JsonLimits(long maxStringLength) {
        this.maxStringLength = (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_STRING_LENGTH, maxStringLength));
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxStringLength(maxStringLength)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .build());
    }
}
