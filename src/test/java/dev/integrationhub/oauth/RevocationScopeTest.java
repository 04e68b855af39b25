package dev.integrationhub.oauth;

import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_READONLY;
import static dev.integrationhub.testsupport.FakeOAuth.GMAIL_SEND;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.connection.service.GrantRevoker;
import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code hub.providers.<name>.revocation-scope}: a provider that revokes per token ({@code acme}) gets every token
 * the hub drops revoked; one that revokes whole grants (Google) is spared revocations that would take down a grant
 * still in use.
 */
@QuarkusTest
class RevocationScopeTest {

    private static final List<String> ACME_SCOPES = List.of("openid", "profile", "email", "notes.read", "notes.write");
    private static final List<String> GMAIL_SCOPES = List.of("openid", "email", GMAIL_SEND, GMAIL_READONLY);

    @FakeProviders.InjectServer
    WireMockServer providerServer;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    EntityManager entityManager;

    FakeOAuth acme;
    FakeOAuth google;

    @BeforeEach
    void providers() {
        acme = FakeOAuth.acme(providerServer);
        acme.revocationAnswers(200);
        google = FakeOAuth.google(providerServer);
        google.revocationAnswers(200);
    }

    @Test
    void aReconnectRevokesTheRefreshTokenItReplacedAtAPerTokenProvider() {
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));
        String subject = "acme-" + UUID.randomUUID();
        String first = secret("acme-refresh-1");
        String second = secret("acme-refresh-2");

        alice.connectAccount(acme, "acme_notes", secret("acme-code"), secret("acme-access"), first, ACME_SCOPES, subject,
                "alice@acme.example");
        alice.connectAccount(acme, "acme_notes", secret("acme-code"), secret("acme-access"), second, ACME_SCOPES,
                subject, "alice@acme.example");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(acme.revocationsOf(first)).hasSize(1));
        assertThat(acme.revocationsOf(second)).isEmpty();
    }

    @Test
    void aReconnectLeavesTheReplacedRefreshTokenAloneAtAProviderThatRevokesWholeGrants() {
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));
        String subject = "google-" + UUID.randomUUID();

        alice.connectAccount(google, "gmail", secret("4/code"), secret("ya29.a"), secret("1//first"), GMAIL_SCOPES,
                subject, "alice@gmail.example");
        alice.connectAccount(google, "gmail", secret("4/code"), secret("ya29.b"), secret("1//second"), GMAIL_SCOPES,
                subject, "alice@gmail.example");

        UUID id = fixtures.findByAccount(alice.userId(), subject).id;
        assertThat(revocationsQueuedFor(id)).as("revoking it would revoke the new grant too").isZero();
    }

    @Test
    void disconnectRevokesAtAPerTokenProviderEvenWhileAnotherUserHoldsTheSameAccount() {
        String subject = "acme-" + UUID.randomUUID();
        Browser alice = new Browser(ConnectionFixtures.newUser("alice"));
        Browser bob = new Browser(ConnectionFixtures.newUser("bob"));
        String alicesRefresh = secret("acme-refresh-alice");
        alice.connectAccount(acme, "acme_notes", secret("acme-code"), secret("acme-access"), alicesRefresh, ACME_SCOPES,
                subject, "shared@acme.example");
        bob.connectAccount(acme, "acme_notes", secret("acme-code"), secret("acme-access"), secret("acme-refresh-bob"),
                ACME_SCOPES, subject, "shared@acme.example");
        UUID id = fixtures.findByAccount(alice.userId(), subject).id;

        given().auth().oauth2(Tokens.forUser(alice.userId())).when().delete("/api/integrations/{id}", id)
                .then().statusCode(204);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(acme.revocationsOf(alicesRefresh)).hasSize(1));
    }

    private long revocationsQueuedFor(UUID connectionId) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("select count(o) from OutboxItem o where o.connectionId = ?1 and o.kind = ?2", Long.class)
                .setParameter(1, connectionId).setParameter(2, GrantRevoker.KIND).getSingleResult());
    }
}
