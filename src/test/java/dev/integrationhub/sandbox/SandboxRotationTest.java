package dev.integrationhub.sandbox;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.IssuedSecrets;
import dev.integrationhub.testsupport.TestClock;
import dev.integrationhub.token.AccessTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * With {@code hub.sandbox.rotate-refresh-tokens=true} every refresh replaces the refresh token; the hub keeps up
 * with the rotation, and a retired token presented again (as a thief of an old copy would) revokes the whole grant,
 * so that the hub's connection needs reauthorization at its next refresh.
 */
@QuarkusTest
@TestProfile(SandboxProfile.Rotating.class)
class SandboxRotationTest {

    private static final List<String> GMAIL_SCOPES = List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY);

    @Inject
    AccessTokens accessTokens;

    @Inject
    GrantTokens tokens;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    TestClock clock;

    private UUID connectGmail() {
        Browser browser = new Browser(ConnectionFixtures.newUser("alice"));
        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect(SandboxProfile.INTEGRATION_TYPE, null, null));
        ExtractableResponse<Response> callback = SandboxBrowser.consent(browser, atProvider,
                SandboxBrowser.newAccount("alice"), GMAIL_SCOPES);
        ExtractableResponse<Response> confirmed = browser.confirm(callback);
        assertThat(confirmed.statusCode()).isEqualTo(201);
        return UUID.fromString(confirmed.path("id"));
    }

    private String refreshTokenOf(UUID id) {
        String refresh = tokens.refreshToken(fixtures.find(id)).orElseThrow();
        IssuedSecrets.record(refresh);
        return refresh;
    }

    @Test
    void theHubFollowsEachRotation() {
        UUID id = connectGmail();
        String first = refreshTokenOf(id);

        clock.advance(Duration.ofMinutes(3));
        accessTokens.forConnection(id);
        String second = refreshTokenOf(id);
        clock.advance(Duration.ofMinutes(3));
        accessTokens.forConnection(id);
        String third = refreshTokenOf(id);

        assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
        assertThat(fixtures.find(id).status).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void reusingARetiredRefreshTokenRevokesTheGrantAndTheConnectionNeedsReauth() {
        UUID id = connectGmail();
        String retired = refreshTokenOf(id);
        clock.advance(Duration.ofMinutes(3));
        accessTokens.forConnection(id);
        assertThat(refreshTokenOf(id)).isNotEqualTo(retired);

        SandboxTokens.refresh(retired).statusCode(400).body("error", equalTo("invalid_grant"));

        clock.advance(Duration.ofMinutes(3));
        assertThatThrownBy(() -> accessTokens.forConnection(id)).isInstanceOf(ProblemException.class);
        assertThat(fixtures.find(id).status).isEqualTo(ConnectionStatus.NEEDS_REAUTH);
    }
}
