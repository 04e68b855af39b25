package dev.integrationhub.idempotency;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.integrationhub.error.ProblemException;
import dev.integrationhub.idempotency.IdempotentRequests.Begun;
import dev.integrationhub.idempotency.IdempotentRequests.Replayed;
import dev.integrationhub.idempotency.IdempotentRequests.Started;

/**
 * Runs an action (send a mail, post a message) at most once per {@code Idempotency-Key}: the first request is
 * recorded with its fingerprint; a repeat with the same request returns the first result; an action that failed
 * without effect frees its key; one whose outcome is unknown ({@link OutcomeUnknownException}) is never
 * repeated. Without a key the action simply runs, and an unknown outcome is still reported, never retried.
 */
@ApplicationScoped
public class AtMostOnce {

    private final IdempotentRequests requests;
    private final ObjectMapper json;

    AtMostOnce(IdempotentRequests requests, ObjectMapper json) {
        this.requests = requests;
        this.json = json;
    }

    /**
     * @throws ProblemException 400 {@code idempotency_key_required} when a key is required and missing (platform
     *         services must send one with each action)
     */
    public static void requireKey(boolean required, Optional<String> key) {
        if (required && key.isEmpty()) {
            throw ProblemException.badRequest("idempotency_key_required",
                    "A platform service must send an Idempotency-Key header with each request.");
        }
    }

    /**
     * @param caller whose keys these are ({@code user:…}, {@code service:…})
     * @param request what identifies the request (serialized to JSON for its fingerprint), e.g. the target
     *        connection and the body
     */
    public <T> T run(String caller, Optional<String> key, String operation, Object request, Class<T> resultType,
            Supplier<T> action) {
        if (key.isEmpty()) {
            try {
                return action.get();
            } catch (OutcomeUnknownException e) {
                throw e.problem();
            }
        }
        Begun<T> begun = requests.begin(caller, key.get(), operation, fingerprint(request), resultType);
        return switch (begun) {
            case Replayed<T> replayed -> replayed.result();
            case Started<T> started -> runOnce(started, action);
        };
    }

    private <T> T runOnce(Started<T> started, Supplier<T> action) {
        T result;
        try {
            result = action.get();
        } catch (OutcomeUnknownException e) {
            requests.unknown(started);
            throw e.problem();
        } catch (RuntimeException e) {
            requests.abandoned(started);
            throw e;
        }
        requests.succeeded(started, result);
        return result;
    }

    private byte[] fingerprint(Object request) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(request));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("cannot fingerprint a " + request.getClass().getSimpleName());
        }
    }
}
