package dev.integrationhub.oauth;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the web app wants the browser back after a flow: a relative path of the web app on an allowlist,
 * never anything that a browser could read as another origin (no scheme, no {@code //}, no backslash, no
 * dot segments, no encoded characters).
 */
public final class ReturnTo {

    public static final String DEFAULT = "/integrations";
    static final int MAX_LENGTH = 200;
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9_~-]+(/[A-Za-z0-9_~-]+)*|/");

    private ReturnTo() {
    }

    /** The path to return to, or empty if {@code requested} is not an allowed relative path. */
    public static Optional<String> validate(String requested, List<String> allowlist) {
        if (requested == null) {
            return Optional.of(DEFAULT);
        }
        if (requested.length() > MAX_LENGTH || !SAFE_PATH.matcher(requested).matches()) {
            return Optional.empty();
        }
        boolean allowed = allowlist.stream().anyMatch(prefix -> requested.equals(prefix)
                || requested.startsWith(prefix.endsWith("/") ? prefix : prefix + "/"));
        return allowed ? Optional.of(requested) : Optional.empty();
    }
}
