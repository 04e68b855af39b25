package dev.integrationhub.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.reflect.Proxy;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.integrationhub.config.HubConfig;

/**
 * The client reads providers' answers with the managed JSON mapper: an answer that is not a JSON object within
 * the limits is {@code UNREACHABLE}, and no answer's body reaches an exception.
 */
class ProviderClientTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final String SECRET = "ya29.secret-in-body";
    private static final List<String> REQUESTED = List.of("openid", "email");

    @Test
    void aTokenAnswerBecomesAGrantExpiringFromTheClock() {
        Grant grant = refreshAnswered(200, "{\"access_token\":\"" + SECRET + "\",\"expires_in\":60}", Map.of());
        assertThat(grant.accessToken()).isEqualTo(SECRET);
        assertThat(grant.expiresAt()).isEqualTo(NOW.plusSeconds(60));
        assertThat(grant.grantedScopes()).isEqualTo(REQUESTED);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "{\"access_token\":\"" + SECRET, "<html>" + SECRET + "</html>", "", "null",
            "[\"" + SECRET + "\"]", "\"" + SECRET + "\"", "{\"access_token\":{\"value\":\"" + SECRET + "\"}}" })
    void aTokenAnswerThatIsNotAJsonObjectIsUnreachableWithoutItsBody(String body) {
        ProviderCallException e = refreshFails(200, body, Map.of());
        assertThat(e.failure()).isEqualTo(ProviderCallException.Failure.UNREACHABLE);
        assertThat(e.getMessage()).isEqualTo("acme token endpoint: unreachable (HTTP 200)").doesNotContain(SECRET);
    }

    @Test
    void aTokenAnswerOverTheJsonLimitsIsUnreachable() {
        String deep = "{\"x\":".repeat(40) + "1" + "}".repeat(40);
        String body = "{\"access_token\":\"" + SECRET + "\",\"deep\":" + deep + "}";
        assertThat(refreshFails(200, body, Map.of()).failure()).isEqualTo(ProviderCallException.Failure.UNREACHABLE);
    }

    @Test
    void anOAuthErrorAnswerIsRejectedWithItsCodeOnly() {
        ProviderCallException e = refreshFails(400,
                "{\"error\":\"invalid_grant\",\"error_description\":\"token " + SECRET + " revoked\"}", Map.of());
        assertThat(e.failure()).isEqualTo(ProviderCallException.Failure.REJECTED);
        assertThat(e.errorCode()).contains("invalid_grant");
        assertThat(e.getMessage()).doesNotContain(SECRET);
    }

    @Test
    void anErrorAnswerThatIsNotJsonHasNoCode() {
        ProviderCallException e = refreshFails(400, "<html>" + SECRET + "</html>", Map.of());
        assertThat(e.errorCode()).isEmpty();
        assertThat(e.getMessage()).doesNotContain(SECRET);
    }

    @Test
    void anUnavailableProviderPassesOnItsRetryAfter() {
        ProviderCallException e = refreshFails(503, "", Map.of("Retry-After", List.of("30")));
        assertThat(e.failure()).isEqualTo(ProviderCallException.Failure.UNAVAILABLE);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
    }

    @Test
    void aUserinfoAnswerWithoutASubjectIsUnreachable() {
        ProviderCallException e = catchThrowableOfType(ProviderCallException.class,
                () -> client(200, "{\"email\":\"a@example.com\"}", Map.of()).userinfo(provider(), SECRET));
        assertThat(e.failure()).isEqualTo(ProviderCallException.Failure.UNREACHABLE);
    }

    private static Grant refreshAnswered(int status, String body, Map<String, List<String>> headers) {
        return client(status, body, headers).refresh(provider(), "1//refresh", REQUESTED);
    }

    private static ProviderCallException refreshFails(int status, String body, Map<String, List<String>> headers) {
        return catchThrowableOfType(ProviderCallException.class, () -> refreshAnswered(status, body, headers));
    }

    private static ProviderClient client(int status, String body, Map<String, List<String>> headers) {
        return new ProviderClient(new CannedHttp(status, body, headers), ProviderJson.managedLike(), hubConfig(),
                InstantSource.fixed(NOW));
    }

    private static ProviderSettings provider() {
        HubConfig.Provider config = proxy(HubConfig.Provider.class, Map.of(
                "clientId", Optional.of("client"),
                "clientSecret", Optional.of("client-secret"),
                "clientAuthMethod", "client_secret_post",
                "tokenUri", URI.create("https://acme.example/token"),
                "userinfoUri", URI.create("https://acme.example/userinfo")));
        return new ProviderSettings("acme", config);
    }

    private static HubConfig hubConfig() {
        HubConfig.ProviderCalls calls = proxy(HubConfig.ProviderCalls.class, Map.of("timeout", Duration.ofSeconds(1),
                "maxAnswerBytes", 65536));
        return proxy(HubConfig.class, Map.of("providerCalls", calls));
    }

    private static <T> T proxy(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (p, method, args) -> {
            if (!answers.containsKey(method.getName())) {
                throw new UnsupportedOperationException(method.getName());
            }
            return answers.get(method.getName());
        }));
    }

    /** An HTTP client that answers every request with one canned answer. */
    private static final class CannedHttp extends HttpClient {

        private final int status;
        private final String body;
        private final HttpHeaders headers;

        CannedHttp(int status, String body, Map<String, List<String>> headers) {
            this.status = status;
            this.body = body;
            this.headers = HttpHeaders.of(headers, (name, value) -> true);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
            return (HttpResponse<T>) new Answer(request, status, body, headers);
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                HttpResponse.BodyHandler<T> handler) {
            return CompletableFuture.completedFuture(send(request, handler));
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<CookieHandler> cookieHandler() {
            return Optional.empty();
        }

        @Override
        public Optional<Duration> connectTimeout() {
            return Optional.empty();
        }

        @Override
        public Redirect followRedirects() {
            return Redirect.NEVER;
        }

        @Override
        public Optional<ProxySelector> proxy() {
            return Optional.empty();
        }

        @Override
        public SSLContext sslContext() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SSLParameters sslParameters() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Authenticator> authenticator() {
            return Optional.empty();
        }

        @Override
        public Version version() {
            return Version.HTTP_1_1;
        }

        @Override
        public Optional<Executor> executor() {
            return Optional.empty();
        }
    }

    private record Answer(HttpRequest request, int statusCode, String body, HttpHeaders headers)
            implements
                HttpResponse<String> {

        @Override
        public Optional<HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return request.uri();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
