package dev.integrationhub.crypto;

import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;

/**
 * At start, checks that the keyset holds every key that made a stored ciphertext (Tink writes the key id into
 * each one). A keyset that lacks one, after a botched rotation, would make grants unreadable one refresh at a
 * time; a packaged service refuses to start instead, naming the missing key ids (never key material). Dev and
 * test mode, which may run on an ephemeral key, only warn.
 */
@ApplicationScoped
public class StoredKeyCheck {

    private static final Logger LOG = Logger.getLogger(StoredKeyCheck.class);

    /**
     * Every live column that holds {@link SecretCipher} output: the key id is bytes 2-5 of the Tink prefix. Expired
     * flows and finished outbox items no longer need their key.
     */
    private static final String KEY_IDS_IN_USE = "SELECT DISTINCT (get_byte(c, 1)::bigint << 24)"
            + " + (get_byte(c, 2)::bigint << 16) + (get_byte(c, 3)::bigint << 8) + get_byte(c, 4)::bigint FROM ("
            + " SELECT access_token_ciphertext c FROM integration_tokens"
            + " UNION ALL SELECT refresh_token_ciphertext FROM integration_tokens"
            + " UNION ALL SELECT pkce_verifier_ciphertext FROM oauth_flows WHERE expires_at > :now"
            + " UNION ALL SELECT held_grant_ciphertext FROM oauth_flows"
            + " UNION ALL SELECT secret_ciphertext FROM outbox WHERE done_at IS NULL"
            + ") stored WHERE c IS NOT NULL AND length(c) > 5 AND get_byte(c, 0) = 1";

    private final EntityManager entityManager;
    private final SecretCipher cipher;
    private final InstantSource clock;

    StoredKeyCheck(EntityManager entityManager, SecretCipher cipher, InstantSource clock) {
        this.entityManager = entityManager;
        this.cipher = cipher;
        this.clock = clock;
    }

    void check(@Observes StartupEvent started) {
        Set<Long> missing = missingKeyIds();
        if (missing.isEmpty()) {
            return;
        }
        String problem = "hub.crypto.keyset lacks the keys with ids " + missing + ", which encrypted stored secrets;"
                + " add them back (bin/keyset add + the old keyset's keys) before the service can read them";
        if (!LaunchMode.current().isDevOrTest()) {
            throw new IllegalStateException(problem);
        }
        LOG.warn(problem);
    }

    /** The key ids found in stored ciphertexts that the keyset does not hold. */
    public Set<Long> missingKeyIds() {
        List<?> inUse = QuarkusTransaction.requiringNew()
                .call(() -> entityManager.createNativeQuery(KEY_IDS_IN_USE).setParameter("now", clock.instant())
                        .getResultList());
        Set<Long> missing = new TreeSet<>();
        for (Object id : inUse) {
            long keyId = ((Number) id).longValue();
            if (!cipher.keyIds().contains(keyId)) {
                missing.add(keyId);
            }
        }
        return missing;
    }
}
