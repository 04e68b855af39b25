package dev.integrationhub.oauth.rest;

import java.net.URI;
import java.time.Instant;

/**
 * @param oauthUrl the URL the browser opens (top-level or popup); usable once, until {@code expiresAt}
 */
public record ConnectResponse(URI oauthUrl, Instant expiresAt) {
}
