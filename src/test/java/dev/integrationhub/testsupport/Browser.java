package dev.integrationhub.testsupport;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * A person's browser in a connect flow: the web app's {@code POST /connect}, the top-level navigation to the
 * {@code oauth_url}, and the provider's redirect back to the callback, with the browser's cookie jar.
 */
public final class Browser {

    private static final Pattern POPUP_CONFIRMATION = Pattern.compile("\"confirmation\":\"([A-Za-z0-9_-]+)\"");

    private final String userId;
    private final String userToken;
    private final Map<String, String> cookies = new HashMap<>();

    public Browser(String userId) {
        this.userId = userId;
        this.userToken = Tokens.forUser(userId);
        IssuedSecrets.record(userToken);
    }

    /** What the provider received when the browser arrived there. */
    public record AtProvider(URI location, Map<String, String> query, String setCookie) {

        public String state() {
            return query.get("state");
        }
    }

    public String connect(String integrationType, String returnTo, String display) {
        Map<String, Object> body = new HashMap<>();
        body.put("integration_type", integrationType);
        if (returnTo != null) {
            body.put("return_to", returnTo);
        }
        if (display != null) {
            body.put("display", display);
        }
        String oauthUrl = given().auth().oauth2(userToken).contentType(ContentType.JSON).body(body)
                .when().post("/api/integrations/connect")
                .then().statusCode(200).extract().path("oauth_url");
        IssuedSecrets.connectFlowStarted(FakeOAuth.query(URI.create(oauthUrl).getRawQuery()).get("flow"));
        return oauthUrl;
    }

    /** Opens the {@code oauth_url}; expects to be sent to the provider, and keeps the binding cookie. */
    public AtProvider openOAuthUrl(String oauthUrl) {
        URI url = URI.create(oauthUrl);
        ExtractableResponse<Response> response = navigate(url.getRawPath(), FakeOAuth.query(url.getRawQuery()));
        assertThat(response.statusCode()).as(response.body().asString()).isEqualTo(302);
        URI location = URI.create(response.header("Location"));
        response.cookies().forEach(cookies::put);
        cookies.values().forEach(IssuedSecrets::record);
        Map<String, String> query = FakeOAuth.query(location.getRawQuery());
        IssuedSecrets.record(query.get("state"));
        return new AtProvider(location, query, response.header("Set-Cookie"));
    }

    /** The provider sends the browser back to the callback with these query parameters. */
    public ExtractableResponse<Response> returnFromProvider(Map<String, String> query) {
        ExtractableResponse<Response> response = navigate("/api/integrations/callback", query);
        response.detailedCookies().asList().stream().filter(c -> c.getMaxAge() == 0)
                .forEach(c -> cookies.remove(c.getName()));
        confirmationIn(response).ifPresent(IssuedSecrets::record);
        return response;
    }

    /**
     * The confirmation code a callback delivered: in the redirect's {@code #confirmation=} fragment, or in the
     * popup page's message.
     */
    public static Optional<String> confirmationIn(ExtractableResponse<Response> callback) {
        String location = callback.header("Location");
        if (location != null) {
            String fragment = URI.create(location).getRawFragment();
            return Optional.ofNullable(FakeOAuth.query(fragment).get("confirmation"));
        }
        Matcher popup = POPUP_CONFIRMATION.matcher(callback.body().asString());
        return popup.find() ? Optional.of(popup.group(1)) : Optional.empty();
    }

    /** The web app redeems the callback's confirmation code with this browser's user's bearer token. */
    public ExtractableResponse<Response> confirm(ExtractableResponse<Response> callback) {
        return confirm(confirmationIn(callback).orElseThrow(() -> new AssertionError("no confirmation delivered")));
    }

    /** The web app redeems a confirmation code with this browser's user's bearer token. */
    public ExtractableResponse<Response> confirm(String confirmation) {
        return given().auth().oauth2(userToken).contentType(ContentType.JSON)
                .body(Map.of("confirmation", confirmation)).when().post("/api/integrations/confirm").then().extract();
    }

    /** The platform user signed in to the web app in this browser. */
    public String userId() {
        return userId;
    }

    public Map<String, String> cookies() {
        return cookies;
    }

    /**
     * Connects an account end to end, confirming it as the web app does when the callback delivered a code, and
     * returns the callback's answer.
     */
    public ExtractableResponse<Response> connectAccount(FakeOAuth provider, String integrationType, String code,
            String accessToken, String refreshToken, java.util.List<String> scopes, String subject, String email) {
        IssuedSecrets.record(code);
        provider.grants(code, accessToken, refreshToken, scopes);
        provider.account(accessToken, subject, email);
        AtProvider atProvider = openOAuthUrl(connect(integrationType, null, null));
        ExtractableResponse<Response> callback = returnFromProvider(Map.of("code", code, "state", atProvider.state()));
        confirmationIn(callback).ifPresent(confirmation -> assertThat(confirm(confirmation).statusCode()).isIn(200, 201));
        return callback;
    }

    private ExtractableResponse<Response> navigate(String path, Map<String, String> query) {
        var request = given().redirects().follow(false).cookies(cookies);
        query.forEach(request::queryParam);
        return request.when().get(path).then().extract();
    }
}
