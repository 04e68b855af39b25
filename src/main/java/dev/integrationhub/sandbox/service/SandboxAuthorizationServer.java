package dev.integrationhub.sandbox.service;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.crypto.FlowSecrets;
import dev.integrationhub.http.UrlEncoding;
import dev.integrationhub.sandbox.SandboxClient;

/**
 * The sandbox OAuth 2.0 authorization server: what Google's accounts server does for the hub, in memory, for dev
 * mode. It knows one client ({@link SandboxClient}, redirecting only to the hub's callback), requires PKCE S256,
 * lets the person pick the account and the scopes they grant, issues one-time codes, short access tokens (
 * {@code hub.sandbox.access-token-lifetime}) and refresh tokens, optionally rotated with reuse detection, and
 * revokes whole grants. Every code and token is 256 random bits; every map is bounded and expires
 * ({@link ExpiringMap}); nothing survives a restart. Time is the injected clock, so tests move it.
 */
@ApplicationScoped
public class SandboxAuthorizationServer {

    private static final Logger LOG = Logger.getLogger(SandboxAuthorizationServer.class);

    static final Duration TICKET_LIFETIME = Duration.ofMinutes(10);
    static final Duration CODE_LIFETIME = Duration.ofMinutes(1);
    static final Duration GRANT_LIFETIME = Duration.ofDays(30);
    static final int MAX_ENTRIES = 10_000;
    static final int MAX_SCOPES = 20;
    private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,200}");
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final int MAX_ACCOUNT_LENGTH = 254;
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

    /** A checked authorization request, waiting for the person's decision on the consent page. */
    public record AuthorizationRequest(URI redirectUri, String state, String codeChallenge, List<String> scopes) {
    }

    /** What {@code GET authorize} leads to. */
    public sealed interface Start {
    }

    /** Show the consent page; {@code ticket} is its one-time anti-CSRF token. */
    public record Consent(String ticket, AuthorizationRequest request) implements Start {
    }

    /** Send the browser back to the client with an OAuth error (the client and redirect URI are trusted). */
    public record ErrorRedirect(URI location) implements Start {
    }

    /** Refuse on a page of our own: the client or redirect URI is unknown, so nothing may be redirected to. */
    public record Refused(String reason) implements Start {
    }

    /** What {@code POST authorize} leads to. */
    public sealed interface Decision {
    }

    /** Back to the client with {@code code} and {@code state}, or {@code error=access_denied}. */
    public record Redirect(URI location) implements Decision {
    }

    /** The account was not an address: show the page again, with a new ticket. */
    public record AskAgain(Consent consent, String account, String problem) implements Decision {
    }

    /** The ticket is unknown, used or expired (a replayed or forged form). */
    public record UnknownTicket() implements Decision {
    }

    /** A token endpoint answer, as Google writes it; without a refresh token, the field is left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tokens(String accessToken, long expiresIn, String tokenType, String scope, String refreshToken) {

        /** Never shows the tokens. */
        @Override
        public String toString() {
            return "Tokens[expiresIn=" + expiresIn + ", scope=" + scope + "]";
        }
    }

    /** Who an access token speaks for: the userinfo answer. */
    public record Account(String sub, String email) {
    }

    /**
     * A live grant as the sandbox's APIs and console see it: which account, which scopes. The id names the grant on
     * the console's forms; it is no token and opens nothing.
     */
    public record GrantView(String id, String account, List<String> scopes) {
    }

    private record Code(AuthorizationRequest request, String account, List<String> scopes) {
    }

    private record Grant(String id, String account, List<String> scopes) {
    }

    /** A refresh token of a grant; {@code current} false once rotation replaced it. */
    private record RefreshToken(String grantId, boolean current) {
    }

    private final InstantSource clock;
    private final HubConfig.Sandbox config;
    private final URI redirectUri;
    private final ExpiringMap<String, AuthorizationRequest> tickets;
    private final ExpiringMap<String, Code> codes;
    private final ExpiringMap<String, Grant> grants;
    private final ExpiringMap<String, RefreshToken> refreshTokens;
    private final ExpiringMap<String, String> accessTokens;

    SandboxAuthorizationServer(HubConfig config, InstantSource clock) {
        this.clock = clock;
        this.config = config.sandbox();
        this.redirectUri = URI.create(config.publicUrl() + SandboxClient.CALLBACK_PATH);
        this.tickets = new ExpiringMap<>(clock, MAX_ENTRIES);
        this.codes = new ExpiringMap<>(clock, MAX_ENTRIES);
        this.grants = new ExpiringMap<>(clock, MAX_ENTRIES);
        this.refreshTokens = new ExpiringMap<>(clock, MAX_ENTRIES);
        this.accessTokens = new ExpiringMap<>(clock, MAX_ENTRIES);
    }

    /** Checks an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3). */
    public Start start(String clientId, String redirect, String responseType, String state, String codeChallenge,
            String codeChallengeMethod, String scope) {
        if (!SandboxClient.ID.equals(clientId)) {
            return new Refused("The client_id is not registered at the sandbox.");
        }
        if (!redirectUri.toString().equals(redirect)) {
            return new Refused("The redirect_uri is not the one registered for this client.");
        }
        if (!"code".equals(responseType)) {
            return errorRedirect("unsupported_response_type", state);
        }
        List<String> scopes = scopes(scope);
        if (state == null || state.isEmpty() || state.length() > 512 || codeChallenge == null
                || !VERIFIER.matcher(codeChallenge).matches() || !"S256".equals(codeChallengeMethod)) {
            return errorRedirect("invalid_request", state);
        }
        if (scopes.isEmpty()) {
            return errorRedirect("invalid_scope", state);
        }
        return consent(new AuthorizationRequest(redirectUri, state, codeChallenge, scopes));
    }

    /** The person's answer on the consent page. */
    public Decision decide(String ticket, boolean allow, String account, List<String> ticked) {
        Optional<AuthorizationRequest> found = tickets.take(ticket);
        if (found.isEmpty()) {
            return new UnknownTicket();
        }
        AuthorizationRequest request = found.get();
        if (!allow) {
            return new Redirect(redirect(Map.of("error", "access_denied", "state", request.state())));
        }
        String address = account == null ? "" : account.strip().toLowerCase(Locale.ROOT);
        if (address.length() > MAX_ACCOUNT_LENGTH || !ACCOUNT.matcher(address).matches()) {
            return new AskAgain((Consent) consent(request), account == null ? "" : account,
                    "Type an e-mail address, such as alice@sandbox.test.");
        }
        List<String> granted = request.scopes().stream().filter(s -> ticked != null && ticked.contains(s)).toList();
        String code = "sbx_code_" + FlowSecrets.random();
        codes.put(code, new Code(request, address, granted), clock.instant().plus(CODE_LIFETIME));
        return new Redirect(redirect(Map.of("code", code, "state", request.state())));
    }

    /** The {@code authorization_code} grant with PKCE (RFC 6749 §4.1.3, RFC 7636 §4.6). */
    public synchronized Tokens exchange(String clientId, String clientSecret, String code, String redirect,
            String verifier) {
        authenticate(clientId, clientSecret);
        Code issued = codes.take(code).orElseThrow(() -> SandboxOAuthException.invalidGrant("unknown, used or expired code"));
        if (!issued.request().redirectUri().toString().equals(redirect)) {
            throw SandboxOAuthException.invalidGrant("redirect_uri differs from the authorization request");
        }
        if (verifier == null || !VERIFIER.matcher(verifier).matches() || !MessageDigest.isEqual(
                FlowSecrets.pkceChallenge(verifier).getBytes(StandardCharsets.US_ASCII),
                issued.request().codeChallenge().getBytes(StandardCharsets.US_ASCII))) {
            throw SandboxOAuthException.invalidGrant("code_verifier does not match the code_challenge");
        }
        Grant grant = new Grant(FlowSecrets.random(), issued.account(), issued.scopes());
        Instant now = clock.instant();
        grants.put(grant.id(), grant, now.plus(GRANT_LIFETIME));
        String refresh = newRefreshToken(grant, now);
        LOG.infof("Sandbox: %s granted %s", grant.account(), String.join(" ", grant.scopes()));
        return tokens(grant, now, refresh);
    }

    /**
     * The {@code refresh_token} grant (RFC 6749 §6). With rotation, the answer carries a new refresh token and the
     * presented one is retired; presenting a retired one again revokes the whole grant (RFC 9700 §4.14.2).
     */
    public synchronized Tokens refresh(String clientId, String clientSecret, String refreshToken) {
        authenticate(clientId, clientSecret);
        RefreshToken presented = refreshTokens.get(refreshToken)
                .orElseThrow(() -> SandboxOAuthException.invalidGrant("unknown or revoked refresh token"));
        Grant grant = grants.get(presented.grantId())
                .orElseThrow(() -> SandboxOAuthException.invalidGrant("the grant was revoked"));
        if (!presented.current()) {
            LOG.warnf("Sandbox: a retired refresh token of %s was presented again; the grant is revoked",
                    grant.account());
            revokeGrantTokens(grant.id());
            throw SandboxOAuthException.invalidGrant("refresh token reused; the grant is revoked");
        }
        Instant now = clock.instant();
        String rotated = null;
        if (config.rotateRefreshTokens()) {
            refreshTokens.put(refreshToken, new RefreshToken(grant.id(), false), now.plus(GRANT_LIFETIME));
            rotated = newRefreshToken(grant, now);
        }
        return tokens(grant, now, rotated);
    }

    /** The account a live access token speaks for. */
    public Optional<Account> userinfo(String accessToken) {
        return accessTokens.get(accessToken).flatMap(grants::get)
                .map(grant -> new Account(subject(grant.account()), grant.account()));
    }

    /** The grant a live access token belongs to: what the sandbox's APIs check a bearer against. */
    public Optional<GrantView> grantOf(String accessToken) {
        return accessTokens.get(accessToken).flatMap(grants::get).map(SandboxAuthorizationServer::view);
    }

    /** Every live grant, by account. */
    public List<GrantView> grants() {
        return grants.values().stream().map(SandboxAuthorizationServer::view)
                .sorted(Comparator.comparing(GrantView::account).thenComparing(GrantView::id)).toList();
    }

    /**
     * Revokes a grant as its account's owner would at the provider: its tokens stop working, so the hub's next
     * refresh meets {@code invalid_grant}. An unknown id changes nothing.
     */
    public synchronized void revokeGrant(String grantId) {
        grants.get(grantId).ifPresent(grant -> {
            LOG.infof("Sandbox: the grant of %s was revoked on the console", grant.account());
            revokeGrantTokens(grant.id());
        });
    }

    /**
     * Takes one scope away from a grant, as a person withdrawing one permission would: its live access tokens lose it
     * at once (the APIs answer {@code insufficientPermissions}), and refreshes answer the narrower scope.
     */
    public void withdrawScope(String grantId, String scope) {
        grants.update(grantId, grant -> new Grant(grant.id(), grant.account(),
                grant.scopes().stream().filter(s -> !s.equals(scope)).toList()));
    }

    /** Revokes the grant of an access or refresh token (RFC 7009); an unknown token changes nothing. */
    public synchronized void revoke(String token) {
        Optional<String> grantId = refreshTokens.get(token).map(RefreshToken::grantId).or(() -> accessTokens.get(token));
        grantId.ifPresent(id -> {
            grants.get(id).ifPresent(grant -> LOG.infof("Sandbox: the grant of %s was revoked", grant.account()));
            revokeGrantTokens(id);
        });
    }

    private Start consent(AuthorizationRequest request) {
        String ticket = FlowSecrets.random();
        tickets.put(ticket, request, clock.instant().plus(TICKET_LIFETIME));
        return new Consent(ticket, request);
    }

    private void authenticate(String clientId, String clientSecret) {
        if (!SandboxClient.ID.equals(clientId) || clientSecret == null || !MessageDigest.isEqual(
                clientSecret.getBytes(StandardCharsets.UTF_8), SandboxClient.SECRET.getBytes(StandardCharsets.UTF_8))) {
            throw new SandboxOAuthException(401, "invalid_client", "unknown client or wrong client_secret");
        }
    }

    private String newRefreshToken(Grant grant, Instant now) {
        String token = "sbx_rt_" + FlowSecrets.random();
        refreshTokens.put(token, new RefreshToken(grant.id(), true), now.plus(GRANT_LIFETIME));
        return token;
    }

    private Tokens tokens(Grant grant, Instant now, String refreshToken) {
        String access = "sbx_at_" + FlowSecrets.random();
        Duration lifetime = config.accessTokenLifetime();
        accessTokens.put(access, grant.id(), now.plus(lifetime));
        return new Tokens(access, lifetime.toSeconds(), "Bearer", String.join(" ", grant.scopes()), refreshToken);
    }

    private void revokeGrantTokens(String grantId) {
        grants.take(grantId);
        refreshTokens.removeValues(token -> token.grantId().equals(grantId));
        accessTokens.removeValues(grantId::equals);
    }

    private ErrorRedirect errorRedirect(String error, String state) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("error", error);
        if (state != null && !state.isEmpty()) {
            query.put("state", state);
        }
        return new ErrorRedirect(redirect(query));
    }

    private URI redirect(Map<String, String> query) {
        return URI.create(redirectUri + "?" + UrlEncoding.query(new LinkedHashMap<>(query)));
    }

    private static List<String> scopes(String scope) {
        if (scope == null) {
            return List.of();
        }
        List<String> scopes = Arrays.stream(scope.split(" ")).filter(s -> !s.isEmpty()).distinct().toList();
        return scopes.size() > MAX_SCOPES || !scopes.stream().allMatch(s -> SCOPE_TOKEN.matcher(s).matches()) ? List.of()
                : scopes;
    }

    private static GrantView view(Grant grant) {
        return new GrantView(grant.id(), grant.account(), grant.scopes());
    }

    /** A stable subject per account, as Google's numeric {@code sub} is. */
    private static String subject(String account) {
        return "sandbox-" + HexFormat.of().formatHex(FlowSecrets.sha256(account), 0, 12);
    }
}
