package dev.integrationhub.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * All settings of the Integration Hub. Every key can be given as an environment variable
 * ({@code hub.public-url} is {@code HUB_PUBLIC_URL}); {@code application.properties.example} lists them.
 */
@ConfigMapping(prefix = "hub")
public interface HubConfig {

    /** An http(s) origin with an optional path, without query, fragment or trailing slash. */
    String BASE_URL = "https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?(/[A-Za-z0-9._~%-]+)*";

    /** An http(s) origin: scheme, host and optional port, nothing else. */
    String ORIGIN = "https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?";

    /**
     * External base URL of this service as browsers and providers reach it, e.g.
     * {@code https://hub.example.com}. The OAuth redirect URI is built from it.
     */
    @Pattern(regexp = BASE_URL, message = "must be an absolute http(s) URL without query, fragment or trailing slash")
    String publicUrl();

    /**
     * Origin of the platform's web app, e.g. {@code https://app.example.com}: where the browser is sent
     * back after a connect flow and the only origin a popup result is posted to.
     */
    @Pattern(regexp = ORIGIN, message = "must be an http(s) origin such as https://app.example.com (no path)")
    String frontendUrl();

    /** Encryption of secrets at rest. */
    Crypto crypto();

    interface Crypto {

        /**
         * Tink JSON keyset of AES-256-GCM keys (a secret: give it as {@code HUB_CRYPTO_KEYSET}). The primary
         * key encrypts, every key decrypts, so a new primary can be added without downtime. Make one with
         * {@code bin/keyset new}, add a key with {@code bin/keyset rotate}. Only dev and test mode run without
         * it, on an ephemeral key.
         */
        Optional<String> keyset();
    }

    /** The callers' bearer tokens. */
    Auth auth();

    interface Auth {

        /**
         * How many verified bearer tokens are remembered, so that a token presented again is not verified again
         * (its RS256 signature and claims) until it expires; the oldest is forgotten first. Each one holds the
         * caller's identity, a few KiB. {@code 0}: every request verifies its token. The cache is off, whatever
         * this says, with sender-constrained tokens ({@code quarkus.oidc.token.binding.certificate},
         * {@code quarkus.oidc.token.authorization-scheme=DPoP}), whose binding is checked on each request.
         */
        @WithDefault("10000")
        @Min(0)
        @Max(1000000)
        int verifiedTokenCacheSize();

        /**
         * The longest a verified token is remembered, even if it expires later: after that it is verified again, so
         * a token signed with a key the identity provider has since withdrawn from its JWKS is refused at most this
         * long after the withdrawal is seen.
         */
        @WithDefault("60s")
        Duration verifiedTokenTtl();
    }

    /**
     * OAuth 2.0 / OpenID Connect authorization servers by name. Google's endpoints are the defaults of
     * provider {@code google}; any other standards-compliant server is added with these keys alone.
     */
    Map<String, Provider> providers();

    /** The OAuth integration types the web app may connect ({@code gmail}, {@code google_drive}, ...). */
    Map<String, Integration> integrations();

    /** The browser part of a connect flow. */
    Flow flow();

    /** Calls to providers' endpoints. */
    ProviderCalls providerCalls();

    /** Background work that must eventually reach another system (revocations, webhooks). */
    Outbox outbox();

    /** Keeping grants fresh. */
    Refresh refresh();

    /** Status-change notifications to the web app's backend. */
    Webhooks webhooks();

    /** The internal token API for other platform services. */
    Internal internal();

    /** Gmail and Drive API calls made with the users' grants. */
    Google google();

    /** Sending mail from a connected Gmail account. */
    Gmail gmail();

    /** Uploading files to a connected Drive. */
    Drive drive();

    /** Requests that carry an {@code Idempotency-Key}. */
    Idempotency idempotency();

    /** The platform's Telegram bot; without a bot token, {@code telegram} is not offered. */
    Telegram telegram();

    /** The history each person sees of their connections ({@code GET /api/integrations/{id}/activity}). */
    Activity activity();

    /** The sandbox inside the service (OAuth provider, Gmail, Drive and Bot API), for dev mode only. */
    Sandbox sandbox();

    /** What the read benchmark ({@code bench/reads.sh}) needs of the service: its {@code bench} profile only. */
    Bench bench();

    interface Provider {

        /** The client id registered at the provider. Without it the provider's integrations cannot be connected. */
        Optional<String> clientId();

        /** The client secret (a secret). Not needed with {@code client-auth-method=none}. */
        Optional<String> clientSecret();

        /**
         * How the client authenticates at the token and revocation endpoints: {@code client_secret_post},
         * {@code client_secret_basic}, or {@code none} (a public client, protected by PKCE alone).
         */
        @WithDefault("client_secret_post")
        @Pattern(regexp = "client_secret_post|client_secret_basic|none")
        String clientAuthMethod();

        /** The authorization endpoint the browser is sent to. */
        URI authorizationUri();

        /** The token endpoint that exchanges the code and refreshes grants. */
        URI tokenUri();

        /** The RFC 7009 revocation endpoint; without one, disconnect only destroys the local grant. */
        Optional<URI> revocationUri();

        /**
         * What revoking one token takes down: {@code token} (only that token and its access tokens; the default) or
         * {@code grant} (every token the account granted this client, as Google does). With {@code grant} the hub
         * never revokes while another live connection holds the same account, and never the refresh token a
         * reconnect replaced; with {@code token} it revokes both.
         */
        @WithDefault("token")
        @Pattern(regexp = "token|grant")
        String revocationScope();

        /** The OIDC userinfo endpoint, which names the connected account ({@code sub}, {@code email}). */
        URI userinfoUri();

        /** Scopes added to every request to learn the account, e.g. {@code openid,email}. */
        @WithDefault("openid,email")
        List<String> identityScopes();

        /**
         * Extra query parameters of the authorization request (Google: {@code access_type=offline},
         * {@code prompt=consent}, {@code include_granted_scopes=true}).
         */
        Map<String, String> authorizationParams();
    }

    interface Integration {

        /** The name of the provider in {@code hub.providers}. */
        String provider();

        /** The scopes the integration needs; a grant without all of them is not stored. */
        @NotEmpty
        List<String> scopes();
    }

    interface Flow {

        /** How long a started connect flow may take to come back; at most 10 minutes. */
        @WithDefault("10m")
        Duration ttl();

        /**
         * Paths of the web app that a flow may return to ({@code return_to}); a path is allowed if it equals
         * an entry or lies below it.
         */
        @WithDefault("/integrations,/settings")
        List<@Pattern(regexp = "/[A-Za-z0-9/_.~-]*") String> returnToAllowlist();

        /**
         * Whether a grant becomes a connection only when the user who started the flow confirms it
         * ({@code POST /api/integrations/confirm} with the code delivered to the browser). {@code false} restores
         * the one-step flow for a web app not yet migrated, and lets anyone who opens a user's connect link attach
         * their account to that user: the service warns at start.
         */
        @WithDefault("true")
        boolean requireConfirmation();

        /** Unused, unexpired flows one user may have at once; more answer 429 {@code too_many_flows}. */
        @WithDefault("20")
        @Min(1)
        @Max(1000)
        int maxOpenPerUser();
    }

    interface ProviderCalls {

        /**
         * The longest a single call to a provider may take before it counts as failed: the whole call, answer body
         * included, so a server that trickles its answer cannot hold a call (or a refresh slot) longer.
         */
        @WithDefault("10s")
        Duration timeout();

        /** The largest answer body read from a provider; a longer one fails the call without being read further. */
        @WithDefault("65536")
        @Min(1024)
        @Max(16777216)
        int maxAnswerBytes();
    }

    interface Outbox {

        /** How often due outbox items are attempted. */
        @WithDefault("15s")
        Duration interval();

        /** Attempts before an item is given up (and logged). */
        @WithDefault("12")
        @Min(1)
        @Max(100)
        int maxAttempts();

        /** Backoff before the second attempt; it doubles each time (with full jitter) up to the maximum. */
        @WithDefault("30s")
        Duration initialBackoff();

        /** The longest backoff between two attempts. */
        @WithDefault("1h")
        Duration maxBackoff();

        /** How long finished items (delivered or given up) are kept for inspection before the purge deletes them. */
        @WithDefault("7d")
        Duration retention();
    }

    interface Refresh {

        /** Whether this replica runs the scheduled refresh (on-demand refresh always works). */
        @WithDefault("true")
        boolean scheduled();

        /** A grant is refreshed when its access token expires within this time. */
        @WithDefault("5m")
        Duration leadTime();

        /** How often due grants are looked for; a run never overlaps the previous one. */
        @WithDefault("30s")
        Duration interval();

        /** Due grants claimed per database round trip. */
        @WithDefault("200")
        @Min(1)
        @Max(10000)
        int batchSize();

        /** Refresh calls to providers in flight at once, per replica: scheduled and on-demand refreshes together. */
        @WithDefault("64")
        @Min(1)
        @Max(1024)
        int maxConcurrency();

        /** How long a claimed grant is reserved for the replica refreshing it; after that another may take it. */
        @WithDefault("2m")
        Duration lease();

        /** Consecutive transient failures after which an active grant is marked {@code degraded}. */
        @WithDefault("3")
        @Min(1)
        int degradedAfter();

        /** Backoff after the first transient failure; it doubles (with full jitter) up to the maximum. */
        @WithDefault("15s")
        Duration initialBackoff();

        /** The longest backoff between two refresh attempts of one grant. */
        @WithDefault("15m")
        Duration maxBackoff();
    }

    interface Webhooks {

        /** Where status changes are posted ({@code connection.created|needs_reauth|recovered|revoked}); none if unset. */
        Optional<URI> url();

        /** The HMAC-SHA256 key that signs each delivery (a secret); required with {@code url}. */
        Optional<String> secret();

        /**
         * During a rotation of {@code secret}: the old key (a secret). Each delivery is then signed with both, so a
         * receiver still on the old key and one already on the new key both accept it; remove it once every
         * receiver has the new key.
         */
        Optional<String> previousSecret();
    }

    interface Internal {

        /** The role (token {@code groups}) a platform service needs for {@code POST /api/internal/...}. */
        @WithDefault("integration-hub-token-reader")
        String role();

        /**
         * The platform services that may call the internal API, by the {@code azp} (or {@code client_id}) claim of
         * their token; unset: any caller with the role. A refused call is audited.
         */
        Optional<List<String>> allowedClients();
    }

    interface Google {

        /** Root URL of Google's REST APIs (Gmail, Drive); tests and the sandbox point it at fakes. */
        @WithDefault("https://www.googleapis.com/")
        @Pattern(regexp = BASE_URL + "/?", message = "must be an absolute http(s) URL")
        String apiRootUrl();

        /** Connect and read timeout of one call to a Google API (one chunk of an upload). */
        @WithDefault("30s")
        Duration timeout();
    }

    interface Gmail {

        /** The largest message the hub sends, counted on the MIME it builds (Gmail accepts up to 35 MB). */
        @WithDefault("25M")
        MemorySize maxMessageSize();
    }

    interface Drive {

        /** Bytes sent per request of a resumable upload: a multiple of 256 KiB; the memory one upload holds. */
        @WithDefault("8M")
        MemorySize chunkSize();

        /** The largest file the hub uploads; a larger one is refused before anything reaches Drive. */
        @WithDefault("5G")
        MemorySize maxFileSize();

        /** How often one chunk is resumed after a 5xx or timeout before the upload fails. */
        @WithDefault("5")
        @Min(0)
        @Max(20)
        int maxChunkRetries();
    }

    interface Idempotency {

        /** How long a request's key and result are kept, so that a repeat within it returns the first result. */
        @WithDefault("24h")
        Duration retention();

        /**
         * A request still running after this long has crashed or hung mid-call: its outcome is unknown, and a
         * repeat is answered {@code 502 outcome_unknown} instead of {@code 409 request_in_progress}.
         */
        @WithDefault("10m")
        Duration staleAfter();
    }

    interface Activity {

        /** How long an entry is kept; the purge deletes older ones. */
        @WithDefault("90d")
        Duration retention();

        /** How often the purge runs (a run never overlaps the previous one). */
        @WithDefault("1h")
        Duration purgeInterval();

        /** Entries deleted per statement (and transaction) by the purge, so that no run holds many locks at once. */
        @WithDefault("10000")
        @Min(1)
        @Max(100000)
        int purgeBatchSize();

        /** Entries per page when the request gives no {@code limit}. */
        @WithDefault("50")
        @Min(1)
        @Max(100)
        int defaultPageSize();
    }

    interface Telegram {

        /** The bot's token from BotFather (a secret: it is part of every Bot API URL); unset: no Telegram. */
        Optional<String> botToken();

        /** The bot's username (without {@code @}), for the {@code https://t.me/<username>?start=<code>} links. */
        Optional<@Pattern(regexp = "[A-Za-z][A-Za-z0-9_]{3,31}", message = "must be a Telegram bot username") String> botUsername();

        /**
         * The secret Telegram sends with each update ({@code X-Telegram-Bot-Api-Secret-Token}), set with the webhook;
         * required with {@code bot-token}.
         */
        Optional<@Pattern(regexp = "[A-Za-z0-9_-]{1,256}", message = "must be 1-256 of A-Z a-z 0-9 _ -") String> webhookSecret();

        /** Root URL of the Bot API; tests and the sandbox point it at fakes. */
        @WithDefault("https://api.telegram.org")
        @Pattern(regexp = BASE_URL, message = "must be an absolute http(s) URL without trailing slash")
        String apiRootUrl();

        /**
         * Where the deep links {@code <link-base-url>/<bot-username>?start=<code>} point: Telegram's {@code https://t.me};
         * the sandbox points it at its chat page.
         */
        @WithDefault("https://t.me")
        @Pattern(regexp = BASE_URL, message = "must be an absolute http(s) URL without trailing slash")
        String linkBaseUrl();
    }

    interface Bench {

        /**
         * Whether {@code GET /api/bench/baseline/{id}} answers: a primary-key read of one connection and nothing
         * else (no authentication), the floor the read endpoints are measured against. On only in the
         * {@code bench} profile; off, it is {@code 404}.
         */
        @WithDefault("false")
        boolean baselineEnabled();
    }

    interface Sandbox {

        /**
         * Whether the sandbox answers: its OAuth provider under {@code /sandbox/oauth/}, its Gmail and Drive upload
         * endpoints under {@code /upload/}, its Bot API and chat under {@code /sandbox/telegram/}, its console at
         * {@code /sandbox/console} (on in dev mode). A packaged service refuses to start with it on; off, every
         * sandbox endpoint is {@code 404}.
         */
        @WithDefault("false")
        boolean enabled();

        /** How long the sandbox's access tokens live: short, so that refreshes are seen happening. */
        @WithDefault("2m")
        Duration accessTokenLifetime();

        /**
         * Whether each refresh answers a new refresh token and retires the old one; presenting a retired one
         * again revokes the whole grant (reuse detection).
         */
        @WithDefault("false")
        boolean rotateRefreshTokens();

        /**
         * How many sent mails, uploaded files and bot messages the sandbox keeps (each list) for its console; older
         * ones are dropped and counted. Only metadata is kept (addresses, subject, name, type, size, text of a bot
         * message), each value cut to a few hundred characters, never the content of a mail or file.
         */
        @WithDefault("100")
        @Min(1)
        @Max(10000)
        int maxItems();
    }
}
