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
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.http.Backoff;
import dev.integrationhub.http.UrlEncoding;

/**
 * The one way the hub calls providers' OAuth endpoints (token, userinfo, revocation), with the JDK's HTTP
 * client: every call has a timeout, every failure becomes a {@link ProviderCallException} that says whether
 * a retry can help, and no response body or secret reaches a log or an exception.
 */
@ApplicationScoped
public class ProviderClient {

    private static final long DEFAULT_EXPIRES_IN_SECONDS = 3600;

    private final InstantSource clock;
    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    ProviderClient(HttpClient http, HubConfig config, InstantSource clock) {
        this.clock = clock;
        this.http = http;
        this.timeout = config.providerCalls().timeout();
    }

    /**
     * Exchanges an authorization code (RFC 6749 §4.1.3, with the PKCE verifier of RFC 7636).
     *
     * @param requestedScopes what the grant covers when the response does not say (RFC 6749 §5.1)
     */
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
    public Grant refresh(ProviderSettings provider, String refreshToken, List<String> currentScopes) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return readGrant(provider, postForm(provider, "token", provider.config().tokenUri(), form), currentScopes);
    }

    /** Reads the account of an access token from the userinfo endpoint. */
    public ProviderAccount userinfo(ProviderSettings provider, String accessToken) {
        HttpRequest request = HttpRequest.newBuilder(provider.config().userinfoUri()).timeout(timeout)
                .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").GET().build();
        JsonNode body = parse(provider, "userinfo", send(provider, "userinfo", request));
        String subject = body.path("sub").asText("");
        if (subject.isEmpty() || subject.length() > 255) {
            throw unreachable(provider, "userinfo", 200);
        }
        String email = body.path("email").isTextual() && body.path("email").asText().length() <= 320
                ? body.path("email").asText()
                : null;
        return new ProviderAccount(subject, email);
    }

    /** Revokes a token (RFC 7009). */
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
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new ProviderCallException(ProviderCallException.Failure.TIMEOUT, provider.name(), endpoint, 0, null,
                    null);
        } catch (IOException e) {
            throw unreachable(provider, endpoint, 0);
        } catch (InterruptedException e) {
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
        JsonNode body = parse(provider, "token", response);
        String accessToken = body.path("access_token").asText("");
        if (accessToken.isEmpty()) {
            throw unreachable(provider, "token", response.statusCode());
        }
        String refreshToken = body.path("refresh_token").isTextual() && !body.path("refresh_token").asText().isEmpty()
                ? body.path("refresh_token").asText()
                : null;
        long expiresIn = body.path("expires_in").canConvertToLong() && body.path("expires_in").asLong() > 0
                ? body.path("expires_in").asLong()
                : DEFAULT_EXPIRES_IN_SECONDS;
        List<String> scopes = body.path("scope").isTextual()
                ? Arrays.stream(body.path("scope").asText().split(" ")).filter(s -> !s.isBlank()).distinct().toList()
                : List.copyOf(requestedScopes);
        return new Grant(accessToken, refreshToken, clock.instant().plusSeconds(expiresIn), scopes);
    }

    private JsonNode parse(ProviderSettings provider, String endpoint, HttpResponse<String> response) {
        try {
            JsonNode body = json.readTree(response.body());
            if (body != null && body.isObject()) {
                return body;
            }
        } catch (IOException e) {
            // answered below without the body, which may hold a token
        }
        throw unreachable(provider, endpoint, response.statusCode());
    }

    /** The OAuth {@code error} code of an error body, if it is a well-formed code (never free text). */
    private String oauthErrorCode(String body) {
        try {
            String code = json.readTree(body).path("error").asText("");
            return code.matches("[a-z_]{1,40}") ? code : null;
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
