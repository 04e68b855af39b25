package dev.integrationhub.testsupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/** Stubs a fake provider's token, userinfo and revocation endpoints the way Google answers them. */
public final class FakeOAuth {

    public static final String GMAIL_SEND = "https://www.googleapis.com/auth/gmail.send";
    public static final String GMAIL_READONLY = "https://www.googleapis.com/auth/gmail.readonly";
    public static final String DRIVE_FILE = "https://www.googleapis.com/auth/drive.file";

    private final WireMockServer server;
    private final String prefix;

    private FakeOAuth(WireMockServer server, String prefix) {
        this.server = server;
        this.prefix = prefix;
    }

    public static FakeOAuth google(WireMockServer server) {
        return new FakeOAuth(server, "/google");
    }

    public static FakeOAuth acme(WireMockServer server) {
        return new FakeOAuth(server, "/acme");
    }

    /** A fresh fake token of a kind, recorded as a secret. */
    public static String secret(String kind) {
        String value = kind + "-" + UUID.randomUUID();
        IssuedSecrets.record(value);
        return value;
    }

    public String tokenPath() {
        return "/google".equals(prefix) ? "/google/token" : "/acme/oauth/token";
    }

    public String revokePath() {
        return "/google".equals(prefix) ? "/google/revoke" : "/acme/oauth/revoke";
    }

    private String userinfoPath() {
        return "/google".equals(prefix) ? "/google/v1/userinfo" : "/acme/userinfo";
    }

    /** A token endpoint's success body, as Google writes it; {@code refreshToken} may be null. */
    public static String tokenResponse(String accessToken, String refreshToken, List<String> scopes) {
        String refresh = refreshToken == null ? "" : ",\"refresh_token\":\"" + refreshToken + "\"";
        return "{\"access_token\":\"" + accessToken + "\",\"expires_in\":3599,\"token_type\":\"Bearer\",\"scope\":\""
                + String.join(" ", scopes) + "\"" + refresh + "}";
    }

    /** The token endpoint answers this code with a grant of these scopes. */
    public void grants(String code, String accessToken, String refreshToken, List<String> scopes) {
        answersCode(code, okJson(tokenResponse(accessToken, refreshToken, scopes)));
    }

    /** The token endpoint answers this code with the given response. */
    public void answersCode(String code, ResponseDefinitionBuilder response) {
        server.stubFor(post(urlEqualTo(tokenPath()))
                .withRequestBody(containing("code=" + URLEncoder.encode(code, StandardCharsets.UTF_8) + "&"))
                .willReturn(response));
    }

    /** The token endpoint refreshes this refresh token, rotating it when {@code rotatedRefresh} is given. */
    public void refreshes(String refreshToken, String newAccess, String rotatedRefresh, List<String> scopes) {
        answersRefresh(refreshToken, okJson(tokenResponse(newAccess, rotatedRefresh, scopes)));
    }

    /** The token endpoint answers a refresh with this refresh token with the given response. */
    public void answersRefresh(String refreshToken, ResponseDefinitionBuilder response) {
        server.stubFor(post(urlEqualTo(tokenPath()))
                .withRequestBody(containing("refresh_token=" + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8)))
                .willReturn(response));
    }

    /** How many refresh requests carried this refresh token. */
    public int refreshCallsWith(String refreshToken) {
        return (int) server.findAll(postRequestedFor(urlEqualTo(tokenPath()))).stream()
                .filter(r -> refreshToken.equals(form(r).get("refresh_token"))).count();
    }

    /** The userinfo endpoint names this account for this access token. */
    public void account(String accessToken, String subject, String email) {
        server.stubFor(get(urlPathEqualTo(userinfoPath())).withHeader("Authorization", equalTo("Bearer " + accessToken))
                .willReturn(okJson("{\"sub\":\"" + subject + "\",\"email\":\"" + email + "\",\"email_verified\":true}")));
    }

    /** The revocation endpoint answers every request with this status. */
    public void revocationAnswers(int status) {
        server.stubFor(post(urlEqualTo(revokePath())).willReturn(aResponse().withStatus(status)));
    }

    /** The form fields of the token requests that carried this code. */
    public List<Map<String, String>> tokenRequestsFor(String code) {
        return server.findAll(postRequestedFor(urlEqualTo(tokenPath()))).stream()
                .filter(r -> form(r).getOrDefault("code", "").equals(code)).map(FakeOAuth::form).toList();
    }

    public List<LoggedRequest> rawTokenRequestsFor(String code) {
        return server.findAll(postRequestedFor(urlEqualTo(tokenPath()))).stream()
                .filter(r -> form(r).getOrDefault("code", "").equals(code)).toList();
    }

    /** The form fields of the revocation requests for this token. */
    public List<Map<String, String>> revocationsOf(String token) {
        return server.findAll(postRequestedFor(urlEqualTo(revokePath()))).stream()
                .map(FakeOAuth::form).filter(f -> token.equals(f.get("token"))).toList();
    }

    public static Map<String, String> form(LoggedRequest request) {
        return query(request.getBodyAsString());
    }

    public static Map<String, String> query(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return Map.of();
        }
        return Arrays.stream(encoded.split("&")).map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(p -> decode(p[0]), p -> p.length > 1 ? decode(p[1]) : "", (a, b) -> b));
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
