package dev.integrationhub.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** Query strings and form bodies: {@code key=value&...}, every part percent-encoded (space as {@code %20}). */
public final class UrlEncoding {

    private UrlEncoding() {
    }

    public static String query(Map<String, String> parameters) {
        return parameters.entrySet().stream().map(e -> component(e.getKey()) + "=" + component(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String component(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
