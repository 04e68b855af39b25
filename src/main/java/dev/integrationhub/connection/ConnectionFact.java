package dev.integrationhub.connection;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.integrationhub.auth.CurrentCaller.Caller;

/**
 * Something that happened to or with a connection, told to whoever keeps its history (the owner's activity) without
 * this package knowing who that is. Fired synchronously, inside the transaction that writes the fact itself (the
 * state change, the audit entry), so an observer's write commits or rolls back with it. Carries no token and no
 * content: a mail's recipients and subject at most, which the observer keeps only if the owner chose to show them.
 */
public sealed interface ConnectionFact {

    /** The connection the fact is about. */
    UUID connectionId();

    /** The owner confirmed a grant or bound an account: a new (or revived) connection, or a renewed one. */
    record Granted(UUID connectionId, boolean created) implements ConnectionFact {
    }

    /** The hub refreshed the grant's access token (on schedule or because a caller needed it). */
    record Refreshed(UUID connectionId) implements ConnectionFact {
    }

    /**
     * The owner must connect again.
     *
     * @param reason why, without secrets
     */
    record NeedsReauth(UUID connectionId, String reason) implements ConnectionFact {
    }

    /** A degraded connection, or one that needed reauthorization, is healthy again. */
    record Recovered(UUID connectionId) implements ConnectionFact {
    }

    /**
     * The owner disconnected: the tokens are destroyed.
     *
     * @param providerRevocationQueued whether the grant will be revoked at the provider ({@link RevokedAtProvider})
     */
    record Disconnected(UUID connectionId, boolean providerRevocationQueued) implements ConnectionFact {
    }

    /** The provider confirmed the revocation of a disconnected connection's grant (or had already forgotten it). */
    record RevokedAtProvider(UUID connectionId) implements ConnectionFact {
    }

    /** The owner chose to hide sent mails' recipients and subject: what was kept of them must go. */
    record MailDetailsHidden(UUID connectionId) implements ConnectionFact {
    }

    /**
     * A caller (the owner or a platform service) used the connection. Not fired: the uses recorded together are
     * handed to whoever keeps their history ({@code connection.service.UseHistory}), so that it is written in the
     * same statement as their audit entries.
     *
     * @param ownerId the connection's owner when it was used: who sees the use, without reading the connection
     *        again
     */
    record Used(UUID connectionId, String ownerId, Caller caller, Use use) {
    }

    /** What a use did. */
    sealed interface Use {
    }

    /** A platform service was handed an access token valid until then. */
    record TokenHandedOut(Instant expiresAt) implements Use {
    }

    /**
     * A mail was sent.
     *
     * @param recipients the addresses (To, Cc and Bcc) as the caller gave them
     */
    record MailSent(List<String> recipients, String subject, String messageId) implements Use {
    }

    /** A file was uploaded to Drive. */
    record FileUploaded(String fileId, String name, long size) implements Use {
    }

    /** Telegram messages were sent (one, or the parts of a split text). */
    record TelegramSent(List<Long> messageIds) implements Use {
    }
}
