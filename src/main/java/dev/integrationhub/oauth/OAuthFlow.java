package dev.integrationhub.oauth;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A connect flow in progress: who started it, for what, and the hashes of the values that prove a request
 * belongs to it. Created by {@code POST /connect}, authorized once by {@code /authorize}, used once by
 * {@code /callback}.
 */
@Entity
@Table(name = "oauth_flows")
public class OAuthFlow {

    @Id
    public UUID id;

    /** SHA-256 of the handle in the {@code oauth_url}. */
    @Column(name = "handle_hash", nullable = false, updatable = false)
    public byte[] handleHash;

    /** SHA-256 of the OAuth {@code state}, set when the browser is sent to the provider. */
    @Column(name = "state_hash")
    public byte[] stateHash;

    /** SHA-256 of the browser-binding cookie's value, set with the state. */
    @Column(name = "binding_hash")
    public byte[] bindingHash;

    @Column(name = "user_id", nullable = false, updatable = false)
    public String userId;

    @Column(name = "integration_type", nullable = false, updatable = false)
    public String integrationType;

    @Column(nullable = false, updatable = false)
    public String provider;

    @Column(name = "pkce_verifier_ciphertext", nullable = false, updatable = false)
    public byte[] pkceVerifierCiphertext;

    @Column(name = "return_to", nullable = false, updatable = false)
    public String returnTo;

    /** {@code redirect} or {@code popup}: how the callback answers. */
    @Column(nullable = false, updatable = false)
    public String display;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false, updatable = false)
    public Instant expiresAt;

    @Column(name = "authorized_at")
    public Instant authorizedAt;

    @Column(name = "used_at")
    public Instant usedAt;

    /** SHA-256 of the one-time confirmation code, set when the callback holds a grant. */
    @Column(name = "confirmation_hash")
    public byte[] confirmationHash;

    /** The grant won by the callback, awaiting confirmation: AEAD ciphertext bound to this row. */
    @Column(name = "held_grant_ciphertext")
    public byte[] heldGrantCiphertext;

    /** When the user who started the flow (or someone else) presented the confirmation code. */
    @Column(name = "confirmed_at")
    public Instant confirmedAt;

    public boolean isPopup() {
        return "popup".equals(display);
    }
}
