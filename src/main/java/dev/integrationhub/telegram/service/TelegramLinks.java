package dev.integrationhub.telegram.service;

import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.ConnectMethod;
import dev.integrationhub.crypto.FlowSecrets;
import dev.integrationhub.error.ProblemException;
import dev.integrationhub.telegram.bot.TelegramBot;

/**
 * Connecting Telegram: a one-time deep link {@code https://t.me/<bot>?start=<code>} for the user who asked (at
 * {@code hub.telegram.link-base-url}, which the sandbox points at its chat page). The
 * code (256 random bits, base64url, within Telegram's 64 characters of {@code A-Za-z0-9_-}) is stored hashed and
 * lives {@code hub.flow.ttl}; the chat that sends {@code /start <code>} to the bot is bound to that user. Offered
 * only while the bot is configured.
 */
@ApplicationScoped
public class TelegramLinks implements ConnectMethod {

    static final String INTEGRATION_TYPE = "telegram";

    private final EntityManager entityManager;
    private final TelegramBot bot;
    private final InstantSource clock;
    private final HubConfig.Flow flow;
    private final String linkBaseUrl;

    TelegramLinks(EntityManager entityManager, TelegramBot bot, InstantSource clock, HubConfig config) {
        this.entityManager = entityManager;
        this.bot = bot;
        this.clock = clock;
        this.flow = config.flow();
        this.linkBaseUrl = config.telegram().linkBaseUrl();
    }

    @Override
    public boolean offers(String integrationType) {
        return INTEGRATION_TYPE.equals(integrationType) && bot.configured();
    }

    /**
     * @throws ProblemException 429 {@code too_many_flows} over {@code hub.flow.max-open-per-user} open links
     */
    @Override
    @Transactional
    public Started start(String userId, String integrationType) {
        Instant now = clock.instant();
        Number open = (Number) entityManager
                .createNativeQuery("SELECT count(*) FROM telegram_link_codes WHERE user_id = ?1 AND expires_at > ?2")
                .setParameter(1, userId).setParameter(2, now).getSingleResult();
        if (open.intValue() >= flow.maxOpenPerUser()) {
            throw new ProblemException(429, "too_many_flows", "Too many open connect flows",
                    "Finish or let expire the connect links you already have before starting another.");
        }
        String code = FlowSecrets.random();
        Instant expiresAt = now.plus(flow.ttl());
        entityManager.createNativeQuery("INSERT INTO telegram_link_codes (code_hash, user_id, expires_at, created_at)"
                + " VALUES (?1, ?2, ?3, ?4)").setParameter(1, FlowSecrets.sha256(code)).setParameter(2, userId)
                .setParameter(3, expiresAt).setParameter(4, now).executeUpdate();
        return new Started(URI.create(linkBaseUrl + "/" + bot.username() + "?start=" + code), expiresAt);
    }

    /** The user who asked for this code, if it is known and unexpired; a code is redeemed only once. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<String> redeem(String code) {
        if (code == null || !code.matches("[A-Za-z0-9_-]{1,64}")) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<String> users = entityManager.createNativeQuery(
                "DELETE FROM telegram_link_codes WHERE code_hash = ?1 AND expires_at > ?2 RETURNING user_id")
                .setParameter(1, FlowSecrets.sha256(code)).setParameter(2, clock.instant()).getResultList();
        return users.stream().findFirst();
    }
}
