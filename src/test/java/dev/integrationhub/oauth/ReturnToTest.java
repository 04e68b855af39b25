package dev.integrationhub.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which {@code return_to} values a flow accepts, and what it returns to. */
class ReturnToTest {

    private static final List<String> ALLOWLIST = List.of("/integrations", "/settings/");
    private static final String LONGEST = "/integrations/" + "a".repeat(ReturnTo.MAX_LENGTH - "/integrations/".length());

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("no value returns to the default", null, "/integrations"),
                Arguments.of("an allowlisted path is kept", "/integrations", "/integrations"),
                Arguments.of("a path below an allowlisted one is kept", "/integrations/gmail", "/integrations/gmail"),
                Arguments.of("a deeper path below an allowlisted one is kept", "/integrations/a/b_c-d~e",
                        "/integrations/a/b_c-d~e"),
                Arguments.of("a path of exactly the maximum length is kept", LONGEST, LONGEST),
                Arguments.of("a path over the maximum length is rejected", LONGEST + "a", null),
                Arguments.of("a protocol-relative URL is rejected", "//evil.com", null),
                Arguments.of("a backslash is rejected", "/\\evil", null),
                Arguments.of("an absolute URL is rejected", "https://x", null),
                Arguments.of("a javascript: URL is rejected", "javascript:alert(1)", null),
                Arguments.of("a dot-dot segment is rejected", "/integrations/../x", null),
                Arguments.of("a dot segment is rejected", "/integrations/./x", null),
                Arguments.of("an encoded dot is rejected", "/integrations/%2e%2e/x", null),
                Arguments.of("an encoded slash is rejected", "/%2F%2Fevil.com", null),
                Arguments.of("a query is rejected", "/integrations?x=1", null),
                Arguments.of("a relative path without a leading slash is rejected", "integrations", null),
                Arguments.of("the empty string is rejected", "", null),
                Arguments.of("a prefix that is not a path below the entry is rejected", "/integrationsX", null),
                Arguments.of("a path outside the allowlist is rejected", "/admin", null),
                Arguments.of("the root is rejected unless allowlisted", "/", null),
                Arguments.of("a trailing slash on the request is rejected", "/integrations/", null),
                Arguments.of("a double slash inside the path is rejected", "/integrations//x", null),
                Arguments.of("an entry with a trailing slash allows paths below it", "/settings/profile",
                        "/settings/profile"),
                Arguments.of("an entry with a trailing slash does not allow the bare path", "/settings", null),
                Arguments.of("an entry with a trailing slash does not allow a mere prefix", "/settingsX", null));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("table")
    void returnToIsAnAllowlistedRelativePathOrRejected(String behaviour, String requested, String expected) {
        assertThat(ReturnTo.validate(requested, ALLOWLIST)).isEqualTo(Optional.ofNullable(expected));
    }
}
