package dev.integrationhub.connection.service;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.integrationhub.audit.AuditLog;
import dev.integrationhub.connection.ChatCheckRequested;
import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionFact;
import dev.integrationhub.connection.ConnectionLifecycle;
import dev.integrationhub.connection.ConnectionRepository;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.crypto.DecryptionFailedException;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.provider.Grant;
import dev.integrationhub.provider.ProviderAccount;

/** A user's connections: reading, recording a new grant, changing metadata, disconnecting. */
@ApplicationScoped
public class ConnectionService {

    private static final Logger LOG = Logger.getLogger(ConnectionService.class);

    /** The metadata key holding the Telegram chat that messages go to when none is given (verified). */
    public static final String DEFAULT_CHAT_ID = "default_chat_id";
    /** The metadata key holding the private chat a Telegram connection was bound in. */
    public static final String PRIVATE_CHAT_ID = "private_chat_id";
    /** The metadata key holding a chat asked for as default that awaits its verification code. */
    public static final String PENDING_CHAT_ID = "pending_chat_id";
    /**
     * The metadata key holding whether the owner's activity shows a Gmail connection's sent mails' recipients and
     * subject ({@code true}); absent, it shows their count and message id only.
     */
    public static final String SHOW_MAIL_DETAILS = "show_mail_details";

    private final ConnectionRepository connections;
    private final GrantTokens tokens;
    private final AuditLog audit;
    private final GrantRevoker revoker;
    private final ConnectionLifecycle lifecycle;
    private final Event<ChatCheckRequested> chatChecks;
    private final Event<ConnectionFact> facts;

    ConnectionService(ConnectionRepository connections, GrantTokens tokens, AuditLog audit, GrantRevoker revoker,
            ConnectionLifecycle lifecycle, Event<ChatCheckRequested> chatChecks, Event<ConnectionFact> facts) {
        this.chatChecks = chatChecks;
        this.facts = facts;
        this.connections = connections;
        this.tokens = tokens;
        this.audit = audit;
        this.revoker = revoker;
        this.lifecycle = lifecycle;
    }

    /** A grant was stored; {@code created} when the account had no connection before. */
    public record RecordedGrant(Connection connection, boolean created) {
    }

    /** A first grant (or one after a disconnect) came without a refresh token, so it could not be kept fresh. */
    public static class NoRefreshTokenException extends RuntimeException {

        NoRefreshTokenException() {
            super("The provider issued no refresh token", null, false, false);
        }
    }

    public List<Connection> list(String userId) {
        return connections.listOwnedBy(userId);
    }

    public Connection get(String userId, UUID id) {
        return connections.findOwned(id, userId)
                .orElseThrow(() -> ProblemException.notFound("You have no connection with this id."));
    }

    /**
     * Stores a grant for the user's account: a reconnect replaces the grant of the same account (keeping its
     * refresh token when the provider sent no new one) and makes it {@code active}; another account becomes
     * another connection.
     *
     * @throws NoRefreshTokenException when there is no refresh token to keep the grant fresh with
     */
    @Transactional
    public RecordedGrant recordGrant(String userId, String integrationType, String provider, ProviderAccount account,
            Grant grant) {
        Optional<Connection> existing = connections.findByAccount(userId, integrationType, provider, account.subject());
        if (!canKeepFresh(existing, grant)) {
            throw new NoRefreshTokenException();
        }
        Connection connection = existing
                .orElseGet(() -> Connection.newFor(userId, integrationType, provider, account.subject()));
        if (account.email() != null) {
            connection.accountEmail = account.email();
        }
        Optional<String> replaced = replacedRefreshToken(existing, grant);
        boolean created = lifecycle.granted(connection, grant, existing.isEmpty());
        replaced.flatMap(token -> revoker.queue(connection.id, provider, Optional.of(token), Optional.empty()))
                .ifPresent(revocation -> LOG.infof("Connection %s: the refresh token its reconnect replaced is queued"
                        + " for revocation", connection.id));
        audit.record(userId, created ? "connection.connected" : "connection.reconnected", connection.id,
                Map.of("integration_type", integrationType, "provider", provider, "scopes", connection.grantedScopes));
        facts.fire(new ConnectionFact.Granted(connection.id, created));
        return new RecordedGrant(connection, created);
    }

    /**
     * Stores an account bound without tokens (a Telegram chat): the same account of the user is the same
     * connection, made {@code active} again, with the given metadata merged into its own.
     *
     * @param account how the account is shown (e.g. a Telegram {@code @username}); {@code null}: its subject
     */
    @Transactional
    public RecordedGrant recordBinding(String userId, String integrationType, String provider, String accountSubject,
            String account, Map<String, Object> metadata) {
        Optional<Connection> existing = connections.findByAccount(userId, integrationType, provider, accountSubject);
        Connection connection = existing
                .orElseGet(() -> Connection.newFor(userId, integrationType, provider, accountSubject));
        connection.accountEmail = account;
        Map<String, Object> merged = new HashMap<>(connection.metadata);
        merged.putAll(metadata);
        connection.metadata = merged;
        boolean created = lifecycle.bound(connection, existing.isEmpty());
        audit.record(userId, created ? "connection.connected" : "connection.reconnected", connection.id,
                Map.of("integration_type", integrationType, "provider", provider));
        facts.fire(new ConnectionFact.Granted(connection.id, created));
        return new RecordedGrant(connection, created);
    }

    /**
     * Whether a grant for the user's account could be kept fresh once stored: it has a refresh token, or the
     * account's connection already holds one (a reconnect often comes without).
     */
    @Transactional
    public boolean canKeepFresh(String userId, String integrationType, String provider, String accountSubject,
            Grant grant) {
        return canKeepFresh(connections.findByAccount(userId, integrationType, provider, accountSubject), grant);
    }

    /**
     * The refresh token a reconnect replaces, when the provider revokes per token: left alive, it would be a
     * second, forgotten credential to the account. With per-grant revocation (Google) revoking it would take the
     * new grant down too, so it is left to the provider.
     */
    private Optional<String> replacedRefreshToken(Optional<Connection> existing, Grant grant) {
        if (existing.isEmpty() || grant.refreshToken() == null || revoker.revokesWholeGrants(existing.get().provider)) {
            return Optional.empty();
        }
        try {
            return tokens.refreshToken(existing.get()).filter(old -> !old.equals(grant.refreshToken()));
        } catch (DecryptionFailedException e) {
            return Optional.empty();
        }
    }

    private static boolean canKeepFresh(Optional<Connection> existing, Grant grant) {
        return grant.refreshToken() != null || existing.filter(c -> c.refreshTokenCiphertext != null).isPresent();
    }

    /**
     * Revokes at the provider a grant that never became (or stays) a connection: a held grant confirmed by the
     * wrong user or never confirmed, or one a connect flow could not use. For a provider that revokes whole grants,
     * skipped while a live connection of any user holds the same provider account, which it would take down.
     *
     * @param ownerId what the revocation belongs to (the flow); its outbox items go out in order
     * @param accountSubject the grant's account, if known
     * @return the queued revocation, to be attempted at once
     */
    @Transactional
    public Optional<UUID> revokeUnused(UUID ownerId, String provider, Optional<String> accountSubject, Grant grant) {
        if (revoker.revokesWholeGrants(provider)
                && accountSubject.filter(subject -> connections.accountInUse(provider, subject)).isPresent()) {
            LOG.infof("Unused grant of %s: provider revocation skipped, the account has a live connection", ownerId);
            return Optional.empty();
        }
        Optional<String> refresh = Optional.ofNullable(grant.refreshToken());
        return revoker.queue(ownerId, provider, refresh,
                refresh.isPresent() ? Optional.empty() : Optional.of(grant.accessToken()));
    }

    /**
     * Replaces the user-editable metadata of a connection: a Telegram connection's {@code default_chat_id}
     * ({@link #updateDefaultChat}), a Gmail connection's {@code show_mail_details}. A key of another integration
     * type is {@code 400 metadata_not_applicable}.
     */
    @Transactional
    public Connection updateMetadata(String userId, UUID id, String defaultChatId, Boolean showMailDetails) {
        Connection connection = get(userId, id);
        if (defaultChatId != null && !"telegram".equals(connection.integrationType)) {
            throw notApplicable(DEFAULT_CHAT_ID, "telegram");
        }
        if (showMailDetails != null && !"gmail".equals(connection.integrationType)) {
            throw notApplicable(SHOW_MAIL_DETAILS, "gmail");
        }
        switch (connection.integrationType) {
            case "telegram" -> updateDefaultChat(userId, connection, defaultChatId);
            case "gmail" -> updateMailDetails(userId, connection, Boolean.TRUE.equals(showMailDetails));
            default -> throw ProblemException.badRequest("metadata_not_applicable",
                    "A " + connection.integrationType + " connection has no editable metadata.");
        }
        return connection;
    }

    private static ProblemException notApplicable(String key, String integrationType) {
        return ProblemException.badRequest("metadata_not_applicable",
                key + " applies to " + integrationType + " connections only.");
    }

    /**
     * Whether the owner's activity shows the recipients and subject of mails sent from now on; turned off, those
     * kept so far are dropped ({@link ConnectionFact.MailDetailsHidden}).
     */
    private void updateMailDetails(String userId, Connection connection, boolean show) {
        Map<String, Object> metadata = new HashMap<>(connection.metadata);
        boolean shown = Boolean.TRUE.equals(metadata.get(SHOW_MAIL_DETAILS));
        if (show) {
            metadata.put(SHOW_MAIL_DETAILS, true);
        } else {
            metadata.remove(SHOW_MAIL_DETAILS);
        }
        connection.metadata = metadata;
        audit.record(userId, "connection.metadata_updated", connection.id, Map.of("keys", List.of(SHOW_MAIL_DETAILS)));
        if (shown && !show) {
            facts.fire(new ConnectionFact.MailDetailsHidden(connection.id));
        }
    }

    /**
     * Changes where a Telegram connection's messages go ({@code default_chat_id}). A chat the connection has already
     * verified (the private chat it was bound in, or the current default) becomes the default at once; any other
     * (a group or {@code @channel}) is stored as {@code pending_chat_id} and becomes the default only once the
     * code the bot posted there is typed back ({@link #verifiedChat}); until then messages go where they went.
     * {@code null} goes back to the private chat and drops a pending one.
     */
    private void updateDefaultChat(String userId, Connection connection, String defaultChatId) {
        UUID id = connection.id;
        Map<String, Object> metadata = new HashMap<>(connection.metadata);
        metadata.remove(PENDING_CHAT_ID);
        Object privateChat = metadata.get(PRIVATE_CHAT_ID);
        if (defaultChatId == null) {
            if (privateChat == null) {
                metadata.remove(DEFAULT_CHAT_ID);
            } else {
                metadata.put(DEFAULT_CHAT_ID, privateChat);
            }
        } else if (defaultChatId.equals(String.valueOf(privateChat))
                || defaultChatId.equals(String.valueOf(metadata.get(DEFAULT_CHAT_ID)))) {
            metadata.put(DEFAULT_CHAT_ID, chatValue(defaultChatId));
        } else {
            metadata.put(PENDING_CHAT_ID, defaultChatId);
            chatChecks.fire(new ChatCheckRequested(id, defaultChatId));
        }
        connection.metadata = metadata;
        audit.record(userId, "connection.metadata_updated", id, Map.of("keys", List.of(DEFAULT_CHAT_ID)));
    }

    /**
     * The pending chat was verified: it becomes the connection's default chat.
     *
     * @return whether the connection still waited for this chat
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean verifiedChat(UUID id, String chatId) {
        Connection connection = connections.findById(id);
        if (connection == null || !chatId.equals(connection.metadata.get(PENDING_CHAT_ID))) {
            return false;
        }
        Map<String, Object> metadata = new HashMap<>(connection.metadata);
        metadata.remove(PENDING_CHAT_ID);
        metadata.put(DEFAULT_CHAT_ID, chatValue(chatId));
        connection.metadata = metadata;
        audit.record(connection.userId, "connection.chat_verified", id, Map.of());
        return true;
    }

    /** The pending chat can no longer be verified (its code died): messages keep going where they went. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void droppedPendingChat(UUID id) {
        Connection connection = connections.findById(id);
        if (connection != null && connection.metadata.containsKey(PENDING_CHAT_ID)) {
            Map<String, Object> metadata = new HashMap<>(connection.metadata);
            metadata.remove(PENDING_CHAT_ID);
            connection.metadata = metadata;
        }
    }

    /** A numeric chat id as the 64-bit integer Telegram uses; an {@code @channel} as it is. */
    private static Object chatValue(String chatId) {
        return chatId.startsWith("@") ? chatId : Long.valueOf(chatId);
    }

    /**
     * Disconnects: destroys the stored tokens, marks the connection {@code revoked} and, in the same
     * transaction, queues the revocation at the provider. The revocation is skipped while another live
     * connection of the user holds the same provider account, because revoking one token of a Google account
     * revokes the whole grant of this client, and with it that connection.
     *
     * @return the queued revocation, to be attempted at once
     */
    @Transactional
    public Optional<UUID> disconnect(String userId, UUID id) {
        Connection connection = get(userId, id);
        Optional<UUID> revocation = Optional.empty();
        if (revoker.revokes(connection.provider)
                && !(revoker.revokesWholeGrants(connection.provider) && connections.hasLiveSibling(connection))) {
            revocation = revocationOf(connection);
        }
        lifecycle.revoke(connection);
        audit.record(userId, "connection.disconnected", id,
                Map.of("provider_revocation", revocation.isPresent() ? "queued" : "skipped"));
        facts.fire(new ConnectionFact.Disconnected(id, revocation.isPresent()));
        return revocation;
    }

    private Optional<UUID> revocationOf(Connection connection) {
        try {
            Optional<String> refresh = tokens.refreshToken(connection);
            return revoker.queueForDisconnect(connection.id, connection.provider, refresh,
                    refresh.isPresent() ? Optional.empty() : tokens.accessToken(connection));
        } catch (DecryptionFailedException e) {
            LOG.warnf("Connection %s: stored tokens cannot be decrypted; disconnecting without provider revocation",
                    connection.id);
            return Optional.empty();
        }
    }
}
