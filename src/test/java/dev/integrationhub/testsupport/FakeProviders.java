package dev.integrationhub.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * Two OAuth providers served over real HTTP by one WireMock server: {@code google} (Google's paths and
 * parameters, client_secret_post) and {@code acme}, a plain OIDC server configured by keys alone
 * (client_secret_basic, its own scopes), and the web app's webhook receiver. Tests stub their answers per code
 * and token; see {@link FakeOAuth}.
 * <p>
 * Declared once for every {@code @QuarkusTest} ({@link Everywhere}), so the application starts once per run; the
 * server starts empty for every test ({@link BetweenTests} resets it through {@link #reset}).
 */
public class FakeProviders implements QuarkusTestResourceLifecycleManager {

    public static final String GOOGLE_CLIENT_ID = "test-google-client.apps.example";
    public static final String GOOGLE_CLIENT_SECRET = "fake-google-client-secret-" + "5f1c";
    public static final String ACME_CLIENT_ID = "acme-client";
    public static final String ACME_CLIENT_SECRET = "fake-acme-client-secret-" + "9d2e";
    public static final String WEBHOOK_SECRET = "fake-webhook-secret-" + "31c7a9";
    public static final String WEBHOOK_PATH = "/platform/webhooks";
    /** Where the fake Gmail and Drive APIs live ({@code hub.google.api-root-url}). */
    public static final String GOOGLE_APIS_PATH = "/googleapis/";
    /** The platform's Telegram bot, whose Bot API lives under {@link #TELEGRAM_API_PATH}; see {@link FakeTelegram}. */
    public static final String TELEGRAM_BOT_TOKEN = "123456789:" + "fake-bot-token-" + "Qw7Zr2xKp4";
    public static final String TELEGRAM_BOT_USERNAME = "hub_test_bot";
    public static final String TELEGRAM_WEBHOOK_SECRET = "fake-telegram-webhook-secret-" + "b81e";
    /** Where the fake Bot API lives ({@code hub.telegram.api-root-url}). */
    public static final String TELEGRAM_API_PATH = "/telegram";

    /** Injects the running server into a test's field. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectServer {
    }

    /** The one declaration: every {@code @QuarkusTest} runs with the fake providers. */
    @WithTestResource(value = FakeProviders.class, scope = TestResourceScope.GLOBAL)
    public static final class Everywhere {

        private Everywhere() {
        }
    }

    private WireMockServer server;
    private final FakeDrive drive = new FakeDrive();

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().extensions(drive));
        server.start();
        reset(server.baseUrl());
        IssuedSecrets.record(GOOGLE_CLIENT_SECRET, ACME_CLIENT_SECRET, WEBHOOK_SECRET);
        IssuedSecrets.record(TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET);
        String base = server.baseUrl();
        return Map.ofEntries(
                Map.entry("hub.providers.google.client-id", GOOGLE_CLIENT_ID),
                Map.entry("hub.providers.google.client-secret", GOOGLE_CLIENT_SECRET),
                Map.entry("hub.providers.google.authorization-uri", base + "/google/o/oauth2/v2/auth"),
                Map.entry("hub.providers.google.token-uri", base + "/google/token"),
                Map.entry("hub.providers.google.revocation-uri", base + "/google/revoke"),
                Map.entry("hub.providers.google.userinfo-uri", base + "/google/v1/userinfo"),
                Map.entry("hub.providers.acme.client-id", ACME_CLIENT_ID),
                Map.entry("hub.providers.acme.client-secret", ACME_CLIENT_SECRET),
                Map.entry("hub.providers.acme.client-auth-method", "client_secret_basic"),
                Map.entry("hub.providers.acme.authorization-uri", base + "/acme/authorize?tenant=main"),
                Map.entry("hub.providers.acme.token-uri", base + "/acme/oauth/token"),
                Map.entry("hub.providers.acme.revocation-uri", base + "/acme/oauth/revoke"),
                Map.entry("hub.providers.acme.userinfo-uri", base + "/acme/userinfo"),
                Map.entry("hub.providers.acme.identity-scopes", "openid,profile,email"),
                Map.entry("hub.integrations.acme_notes.provider", "acme"),
                Map.entry("hub.integrations.acme_notes.scopes", "notes.read,notes.write"),
                Map.entry("hub.google.api-root-url", base + GOOGLE_APIS_PATH),
                Map.entry("hub.telegram.bot-token", TELEGRAM_BOT_TOKEN),
                Map.entry("hub.telegram.bot-username", TELEGRAM_BOT_USERNAME),
                Map.entry("hub.telegram.webhook-secret", TELEGRAM_WEBHOOK_SECRET),
                Map.entry("hub.telegram.api-root-url", base + TELEGRAM_API_PATH),
                Map.entry("hub.webhooks.url", base + WEBHOOK_PATH),
                Map.entry("hub.webhooks.secret", WEBHOOK_SECRET));
    }

    /**
     * Forgets every stub, scenario and recorded request of the server at {@code baseUrl} (through its admin API, so
     * it works from any class loader) and answers the webhook receiver's deliveries with 200 again.
     */
    public static void reset(String baseUrl) {
        URI base = URI.create(baseUrl);
        WireMock admin = new WireMock(base.getHost(), base.getPort());
        admin.resetMappings();
        admin.resetRequests();
        admin.resetScenarios();
        admin.register(WireMock.post(WireMock.urlEqualTo(WEBHOOK_PATH)).willReturn(WireMock.ok()));
        FakeDrive.install(admin, "/");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(InjectServer.class, WireMockServer.class));
        injector.injectIntoFields(drive, new TestInjector.AnnotatedAndMatchesType(InjectServer.class, FakeDrive.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
