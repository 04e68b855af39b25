package dev.integrationhub.testsupport;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionRepository;
import dev.integrationhub.connection.ConnectionStatus;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.provider.Grant;

/**
 * Creates connections the way the hub stores them: through the repository, with encrypted tokens, an access token
 * that expires {@link #TOKEN_LIFETIME} after the service's clock and a refresh due {@code hub.refresh.lead-time}
 * before that. Tests make a grant expire or fall due by moving the {@link TestClock}, not by rewriting the row.
 */
@ApplicationScoped
public class ConnectionFixtures {

    /** How long the access token of a created grant lives, from the service's clock at creation. */
    public static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

    /** {@code hub.refresh.lead-time}'s default: a fixture's grant falls due this long before it expires. */
    private static final Duration LEAD_TIME = Duration.ofMinutes(5);

    /** How long after its creation, on the service's clock, a created grant falls due for refresh. */
    public static final Duration UNTIL_DUE = TOKEN_LIFETIME.minus(LEAD_TIME);

    private final ConnectionRepository connections;
    private final GrantTokens tokens;
    private final InstantSource clock;

    ConnectionFixtures(ConnectionRepository connections, GrantTokens tokens, InstantSource clock) {
        this.connections = connections;
        this.tokens = tokens;
        this.clock = clock;
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
        tokens.store(connection, new Grant(accessToken, refreshToken, clock.instant().plus(TOKEN_LIFETIME),
                List.of("openid", "email", "https://www.googleapis.com/auth/gmail.send")));
        connection.refreshDueAt = refreshToken == null ? null : connection.tokenExpiresAt.minus(LEAD_TIME);
        connections.persist(connection);
        return connection;
    }

    @Transactional
    public Connection find(UUID id) {
        return connections.findById(id);
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
