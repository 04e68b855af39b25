package dev.integrationhub.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** How a provider's token response becomes a grant, rule by rule. */
class TokenResponseTest {

    private static final ObjectMapper JSON = ProviderJson.managedLike();
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> REQUESTED = List.of("openid", "email", "gmail.send");

    @Test
    void aCompleteResponseIsTakenAsIs() throws JsonProcessingException {
        Grant grant = grant("{\"access_token\":\"at\",\"refresh_token\":\"rt\",\"expires_in\":120,"
                + "\"scope\":\"openid gmail.send\",\"token_type\":\"Bearer\",\"id_token\":\"x.y.z\"}").orElseThrow();

        assertThat(grant.accessToken()).isEqualTo("at");
        assertThat(grant.refreshToken()).isEqualTo("rt");
        assertThat(grant.expiresAt()).isEqualTo(NOW.plusSeconds(120));
        assertThat(grant.grantedScopes()).containsExactly("openid", "gmail.send");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "{\"expires_in\":60}", "{\"access_token\":\"\"}", "{\"access_token\":null}" })
    void aResponseWithoutAnAccessTokenGivesNoGrant(String body) throws JsonProcessingException {
        assertThat(grant(body)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "{\"access_token\":\"at\"}", "{\"access_token\":\"at\",\"refresh_token\":\"\"}",
            "{\"access_token\":\"at\",\"refresh_token\":null}" })
    void aMissingOrEmptyRefreshTokenIsNone(String body) throws JsonProcessingException {
        assertThat(grant(body).orElseThrow().refreshToken()).isNull();
    }

    @ParameterizedTest(name = "expires_in {0} -> {1} s")
    @CsvSource({ "1, 1", "86400, 86400", "0, 3600", "-5, 3600", "null, 3600" })
    void theLifetimeIsExpiresInWhenPositiveElseAnHour(String expiresIn, long seconds) throws JsonProcessingException {
        Grant grant = grant("{\"access_token\":\"at\",\"expires_in\":" + expiresIn + "}").orElseThrow();
        assertThat(Duration.between(NOW, grant.expiresAt())).isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void aMissingLifetimeIsAnHour() throws JsonProcessingException {
        assertThat(grant("{\"access_token\":\"at\"}").orElseThrow().expiresAt()).isEqualTo(NOW.plusSeconds(3600));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "{\"access_token\":\"at\"}", "{\"access_token\":\"at\",\"scope\":null}" })
    void aMissingScopeMeansTheRequestedScopes(String body) throws JsonProcessingException {
        assertThat(grant(body).orElseThrow().grantedScopes()).isEqualTo(REQUESTED);
    }

    @ParameterizedTest(name = "scope \"{0}\"")
    @CsvSource(delimiter = '|', value = { "openid email|openid,email", "  openid   email  |openid,email",
            "email openid email|email,openid", "' '|''", "''|''" })
    void theScopeIsSplitOnSpacesWithoutBlanksOrRepeats(String scope, String expected) throws JsonProcessingException {
        List<String> scopes = grant(JSON.writeValueAsString(java.util.Map.of("access_token", "at", "scope", scope)))
                .orElseThrow().grantedScopes();
        assertThat(scopes).isEqualTo(expected.isEmpty() ? List.of() : List.of(expected.split(",")));
    }

    @Test
    void itsTextNeverShowsTheTokens() throws JsonProcessingException {
        TokenResponse response = JSON.readValue("{\"access_token\":\"secret-at\",\"refresh_token\":\"secret-rt\"}",
                TokenResponse.class);
        assertThat(response.toString()).doesNotContain("secret-at", "secret-rt");
    }

    private static Optional<Grant> grant(String body) throws JsonProcessingException {
        return JSON.readValue(body, TokenResponse.class).toGrant(NOW, REQUESTED);
    }
}
