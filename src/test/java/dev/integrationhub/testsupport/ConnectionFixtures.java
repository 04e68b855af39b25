package dev.integrationhub.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionRepository;
import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.provider.Grant;

/** Creates connections the way the hub stores them: through the repository, with encrypted tokens. */
@ApplicationScoped
public class ConnectionFixtures {

    /** {@code hub.refresh.lead-time}'s default: a fixture's grant falls due this long before it expires. */
    private static final Duration LEAD_TIME = Duration.ofMinutes(5);

    private final ConnectionRepository connections;
    private final GrantTokens tokens;

    ConnectionFixtures(ConnectionRepository connections, GrantTokens tokens) {
        this.connections = connections;
        this.tokens = tokens;
    }

    /** A unique user id, so tests never see each other's rows. */
    public static String newUser(String name) {
        return name + "-" + UUID.randomUUID();
    }

    @Transactional
    public Connection create(String userId, String integrationType, String email, String accessToken,
            String refreshToken) {
        Connection connection = Connection.newFor(userId, integrationType, "google", "sub-" + UUID.randomUUID());
        connection.accountEmail = email;
        tokens.store(connection, new Grant(accessToken, refreshToken, Instant.now().plus(1, ChronoUnit.HOURS),
                List.of("openid", "email", "https://www.googleapis.com/auth/gmail.send")));
        connection.refreshDueAt = refreshToken == null ? null : connection.tokenExpiresAt.minus(LEAD_TIME);
        connections.persist(connection);
        return connection;
    }

    @Transactional
    public Connection find(UUID id) {
        return connections.findById(id);
    }

    /** Makes the grant's access token expire in {@code seconds} and its refresh due now. */
    @Transactional
    public void expireIn(UUID id, long seconds) {
        Connection connection = connections.findById(id);
        connection.tokenExpiresAt = Instant.now().plusSeconds(seconds);
        connection.refreshDueAt = Instant.now().minusSeconds(1);
        connection.refreshLeaseUntil = null;
    }

    /** Makes the grant's refresh fall due in {@code seconds}. */
    @Transactional
    public void refreshDueIn(UUID id, long seconds) {
        connections.findById(id).refreshDueAt = Instant.now().plusSeconds(seconds);
    }

    @Transactional
    public void markNeedsReauth(UUID id) {
        Connection connection = connections.findById(id);
        connection.status = ConnectionStatus.NEEDS_REAUTH;
        connection.refreshDueAt = null;
    }

    @Transactional
    public Connection findByAccount(String userId, String accountSubject) {
        return connections.find("userId = ?1 and accountSubject = ?2", userId, accountSubject).singleResult();
    }
}
