package dev.integrationhub.oauth.rest;

import static dev.integrationhub.testsupport.FakeOAuth.DRIVE_FILE;
import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * The popup page as a browser receives it: its one inline script is exactly the one its CSP allows by hash, and
 * its result is unescaped JSON the script can read.
 */
@QuarkusTest
class PopupPageTest {

    private static final Pattern INLINE_SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);
    private static final Pattern RESULT = Pattern.compile(
            "<script id=\"result\" type=\"application/json\">(.*?)</script>", Pattern.DOTALL);

    @FakeProviders.InjectServer
    WireMockServer providerServer;

    @Test
    void theRenderedInlineScriptHashesToTheHashTheCspAllows() throws NoSuchAlgorithmException {
        ExtractableResponse<Response> page = connectInPopup();

        Matcher script = INLINE_SCRIPT.matcher(page.body().asString());
        assertThat(script.find()).as("an inline script").isTrue();
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(script.group(1).getBytes(StandardCharsets.UTF_8)));
        assertThat(script.find()).as("only one inline script").isFalse();

        assertThat(page.header("Content-Security-Policy")).contains("script-src 'sha256-" + hash + "';");
    }

    @Test
    void theResultIsRawJsonNamingTheWebAppsOriginAndTheConfirmation() throws Exception {
        ExtractableResponse<Response> page = connectInPopup();

        Matcher result = RESULT.matcher(page.body().asString());
        assertThat(result.find()).isTrue();
        JsonNode json = new ObjectMapper().readTree(result.group(1));
        assertThat(json.path("origin").asText()).isEqualTo("http://localhost:5173");
        assertThat(json.path("message").path("type").asText()).isEqualTo("google_drive");
        assertThat(json.path("message").path("status").asText()).isEqualTo("success");
        assertThat(json.path("message").path("confirmation").asText()).matches("[A-Za-z0-9_-]{43}");
        assertThat(json.path("message").has("connection_id")).as("no connection before confirmation").isFalse();
    }

    @Test
    void thePageCarriesEverySecurityHeader() {
        ExtractableResponse<Response> page = connectInPopup();

        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(page.header("Pragma")).isEqualTo("no-cache");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("Content-Security-Policy")).startsWith("default-src 'none'; script-src 'sha256-")
                .contains("frame-ancestors 'none'");
    }

    private ExtractableResponse<Response> connectInPopup() {
        FakeOAuth google = FakeOAuth.google(providerServer);
        Browser browser = new Browser(ConnectionFixtures.newUser("alice"));
        String code = secret("4/code");
        String access = secret("ya29.popup");
        google.grants(code, access, secret("1//popup"), List.of("openid", "email", DRIVE_FILE));
        google.account(access, "sub-" + UUID.randomUUID(), "alice@drive.example");
        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect("google_drive", null, "popup"));
        ExtractableResponse<Response> page = browser.returnFromProvider(Map.of("code", code, "state", atProvider.state()));
        assertThat(page.statusCode()).isEqualTo(200);
        return page;
    }
}
