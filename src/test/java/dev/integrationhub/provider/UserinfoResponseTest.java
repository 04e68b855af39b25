package dev.integrationhub.provider;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What of a userinfo answer names the account, and what of an OAuth error body is kept. */
class UserinfoResponseTest {

    private static final ObjectMapper JSON = ProviderJson.managedLike();

    @Test
    void theSubjectAndEmailNameTheAccount() throws JsonProcessingException {
        assertThat(account("{\"sub\":\"123\",\"email\":\"a@example.com\",\"email_verified\":true}"))
                .isEqualTo(new ProviderAccount("123", "a@example.com"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "{\"email\":\"a@example.com\"}", "{\"sub\":\"\"}", "{\"sub\":null}" })
    void anAnswerWithoutASubjectNamesNoAccount(String body) throws JsonProcessingException {
        assertThat(JSON.readValue(body, UserinfoResponse.class).toAccount()).isEmpty();
    }

    @Test
    void aSubjectOf255CharactersIsKept() throws JsonProcessingException {
        assertThat(account("{\"sub\":\"" + "s".repeat(255) + "\"}").subject()).hasSize(255);
    }

    @Test
    void aSubjectOver255CharactersNamesNoAccount() throws JsonProcessingException {
        assertThat(JSON.readValue("{\"sub\":\"" + "s".repeat(256) + "\"}", UserinfoResponse.class).toAccount()).isEmpty();
    }

    @Test
    void anEmailOf320CharactersIsKept() throws JsonProcessingException {
        String email = "a".repeat(308) + "@example.com";
        assertThat(account("{\"sub\":\"1\",\"email\":\"" + email + "\"}").email()).isEqualTo(email);
    }

    @Test
    void anEmailOver320CharactersIsDropped() throws JsonProcessingException {
        assertThat(account("{\"sub\":\"1\",\"email\":\"" + "a".repeat(309) + "@example.com\"}").email()).isNull();
    }

    @ParameterizedTest(name = "email {0}")
    @ValueSource(strings = { "null", "42", "true", "{\"value\":\"a@example.com\"}", "[\"a@example.com\"]" })
    void anEmailThatIsNotAStringIsDropped(String email) throws JsonProcessingException {
        assertThat(account("{\"sub\":\"1\",\"email\":" + email + "}")).isEqualTo(new ProviderAccount("1", null));
    }

    @Test
    void aWellFormedErrorCodeIsKept() throws JsonProcessingException {
        assertThat(JSON.readValue("{\"error\":\"invalid_grant\",\"error_description\":\"Bad token x\"}",
                OAuthErrorResponse.class).code()).contains("invalid_grant");
    }

    @ParameterizedTest(name = "error {0}")
    @ValueSource(strings = { "\"Invalid Grant\"", "\"invalid-grant\"", "\"\"", "null", "42",
            "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"" })
    void anErrorThatIsNotACodeIsDropped(String error) throws JsonProcessingException {
        assertThat(JSON.readValue("{\"error\":" + error + "}", OAuthErrorResponse.class).code()).isEmpty();
    }

    private static ProviderAccount account(String body) throws JsonProcessingException {
        return JSON.readValue(body, UserinfoResponse.class).toAccount().orElseThrow();
    }
}
