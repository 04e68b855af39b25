package dev.integrationhub.sandbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.IssuedSecrets;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * A person at the sandbox's consent page, in the browser of a connect flow: opens the page the hub sent the browser
 * to, reads it as a browser would (the hidden ticket, the scope checkboxes), submits it, and follows the redirect
 * back to the hub's callback.
 */
final class SandboxBrowser {

    private static final Pattern TICKET = Pattern.compile("name=\"ticket\" value=\"([^\"]+)\"");
    private static final Pattern SCOPE = Pattern.compile("name=\"scope\" value=\"([^\"]+)\"");

    private SandboxBrowser() {
    }

    /** A person connected an integration type with a sandbox account. */
    record Connected(String user, UUID id, String account) {
    }

    /** A new user connects an integration type through the hub with a fresh sandbox account, granting these scopes. */
    static Connected connect(String integrationType, List<String> ticked) {
        String account = newAccount("alice");
        Browser browser = new Browser(ConnectionFixtures.newUser("alice"));
        Browser.AtProvider atProvider = browser.openOAuthUrl(browser.connect(integrationType, null, null));
        ExtractableResponse<Response> confirmed = browser.confirm(consent(browser, atProvider, account, ticked));
        assertThat(confirmed.statusCode()).as(confirmed.body().asString()).isEqualTo(201);
        return new Connected(browser.userId(), UUID.fromString(confirmed.path("id")), account);
    }

    /** The consent page as the sandbox rendered it. */
    record ConsentPage(String html, String ticket, List<String> scopes) {
    }

    /** A fresh sandbox account, so that tests never share a grant. */
    static String newAccount(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@sandbox.test";
    }

    /** Opens the provider's page the hub sent the browser to. */
    static ConsentPage open(Browser.AtProvider atProvider) {
        URI location = atProvider.location();
        var request = given().redirects().follow(false);
        atProvider.query().forEach(request::queryParam);
        ExtractableResponse<Response> page = request.when().get(location.getRawPath()).then().extract();
        assertThat(page.statusCode()).as(page.body().asString()).isEqualTo(200);
        String html = page.body().asString();
        Matcher ticket = TICKET.matcher(html);
        assertThat(ticket.find()).as("the page has a ticket").isTrue();
        List<String> scopes = new ArrayList<>();
        Matcher scope = SCOPE.matcher(html);
        while (scope.find()) {
            scopes.add(scope.group(1));
        }
        return new ConsentPage(html, ticket.group(1), scopes);
    }

    /** Submits the consent page with this account and these scopes ticked. */
    static ExtractableResponse<Response> submit(ConsentPage page, String decision, String account, List<String> ticked) {
        var form = given().redirects().follow(false).contentType("application/x-www-form-urlencoded; charset=UTF-8")
                .formParam("ticket", page.ticket()).formParam("decision", decision).formParam("account", account);
        ticked.forEach(scope -> form.formParam("scope", scope));
        return form.when().post("/sandbox/oauth/authorize").then().extract();
    }

    /**
     * Allows access on the consent page with these scopes ticked and follows the sandbox's redirect back to the
     * hub's callback; returns the callback's answer.
     */
    static ExtractableResponse<Response> consent(Browser browser, Browser.AtProvider atProvider, String account,
            List<String> ticked) {
        ExtractableResponse<Response> decided = submit(open(atProvider), "allow", account, ticked);
        assertThat(decided.statusCode()).as(decided.body().asString()).isEqualTo(302);
        URI back = URI.create(decided.header("Location"));
        assertThat(back.getRawPath()).isEqualTo("/api/integrations/callback");
        Map<String, String> query = FakeOAuth.query(back.getRawQuery());
        IssuedSecrets.record(query.get("code"));
        return browser.returnFromProvider(query);
    }
}
