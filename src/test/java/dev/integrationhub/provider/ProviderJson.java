package dev.integrationhub.provider;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import dev.integrationhub.error.JsonLimits;

/** A JSON mapper set up like the hub's managed one (naming, unknown properties, read limits), for unit tests. */
final class ProviderJson {

    private ProviderJson() {
    }

    static ObjectMapper managedLike() {
        ObjectMapper mapper = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        new JsonLimits(0).customize(mapper);
        return mapper;
    }
}
