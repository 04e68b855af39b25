package dev.integrationhub.provider;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.http.Backoff;
import dev.integrationhub.http.BoundedBody;
import dev.integrationhub.http.UrlEncoding;
import io.opentelemetry.instrumentation.annotations.WithSpan;

/**
 * The one way the hub calls providers' OAuth endpoints (token, userinfo, revocation), with the JDK's HTTP
 * client: every call has a timeout, every failure becomes a {@link ProviderCallException} that says whether
 * a retry can help, and no response body or secret reaches a log or an exception.
 */
@ApplicationScoped
public class ProviderClient {

    private final InstantSource clock;
    private final HttpClient http;
    private final Duration timeout;
    private final int maxAnswerBytes;
    private final ObjectMapper json;

    ProviderClient(HttpClient http, ObjectMapper json, HubConfig config, InstantSource clock) {
        this.clock = clock;
        this.json = json;
        this.http = http;
        this.timeout = config.providerCalls().timeout();
        this.maxAnswerBytes = config.providerCalls().maxAnswerBytes();
    }

    /**
     * Exchanges an authorization code (RFC 6749 §4.1.3, with the PKCE verifier of RFC 7636).
     *
     * @param requestedScopes what the grant covers when the response does not say (RFC 6749 §5.1)
     */
    @WithSpan("provider.exchange_code")
    public Grant exchangeCode(ProviderSettings provider, String code, String verifier, URI redirectUri,
            List<String> requestedScopes) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri.toString());
        form.put("code_verifier", verifier);
        return readGrant(provider, postForm(provider, "token", provider.config().tokenUri(), form), requestedScopes);
    }

    /**
     * Refreshes a grant (RFC 6749 §6). The answer may carry a new (rotated) refresh token or none.
     *
     * @param currentScopes what the grant covers when the response does not say
     */
    @WithSpan("provider.refresh")
    public Grant refresh(ProviderSettings provider, String refreshToken, List<String> currentScopes) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return readGrant(provider, postForm(provider, "token", provider.config().tokenUri(), form), currentScopes);
    }

    /** Reads the account of an access token from the userinfo endpoint. */
    @WithSpan("provider.userinfo")
    public ProviderAccount userinfo(ProviderSettings provider, String accessToken) {
        HttpRequest request = HttpRequest.newBuilder(provider.config().userinfoUri()).timeout(timeout)
                .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").GET().build();
        HttpResponse<String> response = send(provider, "userinfo", request);
        return parse(provider, "userinfo", response, UserinfoResponse.class).toAccount()
                .orElseThrow(() -> unreachable(provider, "userinfo", response.statusCode()));
    }

    /** Revokes a token (RFC 7009). */
    @WithSpan("provider.revoke")
    public void revoke(ProviderSettings provider, URI revocationUri, String token, String tokenTypeHint) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", token);
        form.put("token_type_hint", tokenTypeHint);
        postForm(provider, "revocation", revocationUri, form);
    }

    private HttpResponse<String> postForm(ProviderSettings provider, String endpoint, URI uri, Map<String, String> form) {
        HubConfig.Provider config = provider.config();
        Map<String, String> body = new LinkedHashMap<>(form);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json");
        String clientId = config.clientId().orElse("");
        switch (config.clientAuthMethod()) {
            case "client_secret_basic" -> request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (formEncode(clientId) + ":" + formEncode(config.clientSecret().orElse("")))
                            .getBytes(StandardCharsets.UTF_8)));
            case "client_secret_post" -> {
                body.put("client_id", clientId);
                body.put("client_secret", config.clientSecret().orElse(""));
            }
            default -> body.put("client_id", clientId);
        }
        return send(provider, endpoint,
                request.POST(HttpRequest.BodyPublishers.ofString(UrlEncoding.query(body))).build());
    }

    private HttpResponse<String> send(ProviderSettings provider, String endpoint, HttpRequest request) {
        HttpResponse<String> response;
        CompletableFuture<HttpResponse<String>> call = http.sendAsync(request, BoundedBody.ofString(maxAnswerBytes));
        try {
            response = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new ProviderCallException(ProviderCallException.Failure.TIMEOUT, provider.name(), endpoint, 0, null,
                    null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HttpTimeoutException) {
                throw new ProviderCallException(ProviderCallException.Failure.TIMEOUT, provider.name(), endpoint, 0,
                        null, null);
            }
            throw unreachable(provider, endpoint, 0);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw unreachable(provider, endpoint, 0);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response;
        }
        ProviderCallException.Failure failure = status == 429 || status >= 500 ? ProviderCallException.Failure.UNAVAILABLE
                : status >= 400 ? ProviderCallException.Failure.REJECTED : ProviderCallException.Failure.UNREACHABLE;
        throw new ProviderCallException(failure, provider.name(), endpoint, status, oauthErrorCode(response.body()),
                Backoff.retryAfter(response).orElse(null));
    }

    private Grant readGrant(ProviderSettings provider, HttpResponse<String> response, List<String> requestedScopes) {
        return parse(provider, "token", response, TokenResponse.class).toGrant(clock.instant(), requestedScopes)
                .orElseThrow(() -> unreachable(provider, "token", response.statusCode()));
    }

    /** A JSON object answer; anything else is {@code UNREACHABLE}, without the body, which may hold a token. */
    private <T> T parse(ProviderSettings provider, String endpoint, HttpResponse<String> response, Class<T> type) {
        T body;
        try {
            body = json.readValue(response.body(), type);
        } catch (IOException e) {
            body = null;
        }
        if (body == null) {
            throw unreachable(provider, endpoint, response.statusCode());
        }
        return body;
    }

    /** The OAuth {@code error} code of an error body, if it is a well-formed code (never free text). */
    private String oauthErrorCode(String body) {
        try {
            return json.readValue(body, OAuthErrorResponse.class).code().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static ProviderCallException unreachable(ProviderSettings provider, String endpoint, int status) {
        return new ProviderCallException(ProviderCallException.Failure.UNREACHABLE, provider.name(), endpoint, status, null,
                null);
    }

    /** RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding. */
    private static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
