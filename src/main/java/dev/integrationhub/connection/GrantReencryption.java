package dev.integrationhub.connection;

import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.integrationhub.connection.ConnectionRepository.StoredTokens;
import dev.integrationhub.crypto.DecryptionFailedException;
import dev.integrationhub.crypto.SecretCipher;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Moves stored grants to the primary key after a rotation, so that the old key can be retired, and binds rows
 * written before V6 to their user and account: an access token moves at its next refresh anyway, but a refresh
 * token only when the provider rotates it, which Google never does. Runs in batches, each row locked
 * ({@code FOR UPDATE SKIP LOCKED}) in its batch's transaction; rows being
 * refreshed are taken at a later run. {@code hub_crypto_grants_not_under_primary} says how many rows are left; at
 * zero, and once open flows and outbox items have expired or finished, the old key may go.
 */
@ApplicationScoped
public class GrantReencryption {

    private static final Logger LOG = Logger.getLogger(GrantReencryption.class);
    private static final int BATCH = 200;

    private final ConnectionRepository connections;
    private final GrantTokens tokens;
    private final SecretCipher cipher;
    private final InstantSource clock;
    private final AtomicLong left = new AtomicLong();

    GrantReencryption(ConnectionRepository connections, GrantTokens tokens, SecretCipher cipher, InstantSource clock,
            MeterRegistry metrics) {
        this.connections = connections;
        this.tokens = tokens;
        this.cipher = cipher;
        this.clock = clock;
        metrics.gauge("hub.crypto.grants.not.under.primary", left);
    }

    /** Outcome of one batch: rows moved, and the id to continue after (null: no more rows). */
    private record Batch(int moved, UUID last) {
    }

    @Scheduled(every = "5m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        reencrypt();
    }

    /**
     * Re-encrypts every grant not under the primary key that it can lock now.
     *
     * @return how many grants it moved to the primary key
     */
    public int reencrypt() {
        byte[] primary = cipher.primaryPrefix();
        int moved = 0;
        UUID after = new UUID(0, 0);
        while (after != null) {
            UUID from = after;
            Batch batch = QuarkusTransaction.requiringNew().call(() -> batch(primary, from));
            moved += batch.moved();
            after = batch.last();
        }
        left.set(QuarkusTransaction.requiringNew().call(() -> connections.countToReseal(primary)));
        if (moved > 0) {
            LOG.infof("Moved %d grants to the primary key; %d left", moved, left.get());
        }
        return moved;
    }

    private Batch batch(byte[] primary, UUID after) {
        List<StoredTokens> rows = connections.lockToReseal(primary, after, clock.instant(), BATCH);
        int moved = 0;
        for (StoredTokens row : rows) {
            try {
                connections.replaceCiphertexts(tokens.reseal(row));
                moved++;
            } catch (DecryptionFailedException e) {
                LOG.warnf("Connection %s: its tokens cannot be decrypted by the keyset; left under key %d", row.owner().id(),
                        SecretCipher.keyId(row.refreshTokenCiphertext() != null ? row.refreshTokenCiphertext()
                                : row.accessTokenCiphertext()));
            }
        }
        return new Batch(moved, rows.size() < BATCH ? null : rows.getLast().owner().id());
    }
}
