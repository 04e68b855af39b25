package dev.integrationhub.google.service;

import java.time.Duration;
import java.util.Optional;

import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpUnsuccessfulResponseHandler;

import dev.integrationhub.http.Backoff;
import dev.integrationhub.token.AccessTokens;
import dev.integrationhub.token.AccessTokens.AccessToken;

/**
 * The only credentials the Google clients get: the bearer from {@link AccessTokens} on every request. On a 401
 * (Google did not accept the request) one replacement token is fetched through {@code AccessTokens} and that
 * request is sent once more; never more, and the Google clients never refresh on their own, so refresh stays
 * single-flight and rotation-safe. Requests of a resumable upload ({@code PUT}: chunks and status queries) may
 * also be resumed after a 5xx, 429 or I/O failure, up to {@code maxResumes} times each with the hub's backoff;
 * nothing else is retried, so a mail is sent at most once.
 * <p>
 * One instance serves one action; it is not shared between threads.
 */
final class BearerCredentials implements HttpRequestInitializer {

    private final AccessTokens accessTokens;
    private final int timeoutMillis;
    private final int maxResumes;
    private final Backoff resumeBackoff;
    private AccessToken token;
    private boolean replaced;

    BearerCredentials(AccessTokens accessTokens, AccessToken token, Duration timeout, int maxResumes,
            Backoff resumeBackoff) {
        this.accessTokens = accessTokens;
        this.token = token;
        this.timeoutMillis = Math.toIntExact(timeout.toMillis());
        this.maxResumes = maxResumes;
        this.resumeBackoff = resumeBackoff;
    }

    /** The token in use now (after a replacement, the new one). */
    AccessToken token() {
        return token;
    }

    @Override
    public void initialize(HttpRequest request) {
        request.setConnectTimeout(timeoutMillis).setReadTimeout(timeoutMillis);
        request.setLoggingEnabled(false).setCurlLoggingEnabled(false);
        request.setNumberOfRetries(maxResumes + 1);
        authorize(request);
        Resumes resumes = new Resumes();
        request.setUnsuccessfulResponseHandler(resumes);
        request.setIOExceptionHandler((failed, supportsRetry) -> resumes.resumable(failed, Optional.empty()));
    }

    private void authorize(HttpRequest request) {
        request.getHeaders().setAuthorization("Bearer " + token.token());
    }

    /** Decides, per request, whether it is sent again. */
    private final class Resumes implements HttpUnsuccessfulResponseHandler {

        private int resumed;

        @Override
        public boolean handleResponse(HttpRequest request, HttpResponse response, boolean supportsRetry) {
            int status = response.getStatusCode();
            if (status == 401) {
                if (replaced) {
                    return false;
                }
                replaced = true;
                token = accessTokens.replacing(token);
                authorize(request);
                return true;
            }
            return (status == 429 || status >= 500)
                    && resumable(request, Backoff.retryAfter(response.getHeaders().getRetryAfter()));
        }

        boolean resumable(HttpRequest request, Optional<Duration> retryAfter) {
            if (!"PUT".equals(request.getRequestMethod()) || resumed >= maxResumes) {
                return false;
            }
            resumed++;
            try {
                Thread.sleep(resumeBackoff.next(resumed, retryAfter));
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
