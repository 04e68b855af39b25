package dev.integrationhub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.google.crypto.tink.KeysetHandle;

import dev.integrationhub.crypto.Keysets;
import dev.integrationhub.crypto.SecretCipher;
import dev.integrationhub.testsupport.Tokens;
import io.smallrye.jwt.build.Jwt;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The packaged jar in the {@code prod} profile: it starts only when configured, never prints a secret, uses
 * a real PostgreSQL and accepts only tokens of the configured identity provider.
 */
class PackagedServiceIT {

    private static final Duration START = Duration.ofSeconds(60);

    /** A real PostgreSQL server (the embedded binaries the dev mode uses, here only as a server to talk to). */
    private static EmbeddedPostgres postgres;
    /** The platform's identity provider: OIDC discovery and JWKS. */
    private static WireMockServer identityProvider;
    private static KeyPair identityProviderKey;

    @BeforeAll
    static void startDependencies() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        identityProviderKey = Tokens.newRsaKeyPair();
        identityProvider = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        identityProvider.start();
        String issuer = issuer();
        identityProvider.stubFor(get(urlEqualTo("/realms/platform/.well-known/openid-configuration"))
                .willReturn(okJson("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer
                        + "/protocol/openid-connect/certs\","
                        + "\"authorization_endpoint\":\"" + issuer + "/auth\",\"token_endpoint\":\"" + issuer + "/token\","
                        + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}")));
        RSAPublicKey publicKey = (RSAPublicKey) identityProviderKey.getPublic();
        Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
        identityProvider.stubFor(get(urlEqualTo("/realms/platform/protocol/openid-connect/certs"))
                .willReturn(okJson("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"idp-1\",\"use\":\"sig\",\"alg\":\"RS256\","
                        + "\"n\":\"" + base64url.encodeToString(unsigned(publicKey.getModulus().toByteArray())) + "\","
                        + "\"e\":\"" + base64url.encodeToString(unsigned(publicKey.getPublicExponent().toByteArray()))
                        + "\"}]}")));
    }

    @AfterAll
    static void stopDependencies() throws IOException {
        if (identityProvider != null) {
            identityProvider.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** One completely configured packaged service, shared by the tests of what it serves. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Configured {

        private static final String CLIENT_SECRET = "it-client-secret-value";

        private String keyset;
        private PackagedService service;
        private String platformToken;

        @BeforeAll
        void start() throws Exception {
            keyset = Keysets.toJson(Keysets.generate());
            Map<String, String> environment = complete();
            environment.put("HUB_CRYPTO_KEYSET", keyset);
            environment.put("HUB_PROVIDERS_GOOGLE_CLIENT_ID", "it-client.apps.googleusercontent.com");
            environment.put("HUB_PROVIDERS_GOOGLE_CLIENT_SECRET", CLIENT_SECRET);
            service = PackagedService.start(environment);
            service.awaitReady(START);
            platformToken = platformToken(PackagedService.AUDIENCE);
        }

        @AfterAll
        void stop() throws Exception {
            if (service != null) {
                service.close();
            }
        }

        @Test
        void isReadyOnTheRealDatabase() throws Exception {
            assertThat(service.management("/q/health/ready").body()).contains("\"UP\"", "Database connections");
        }

        @Test
        void acceptsTheIdentityProvidersTokens() throws Exception {
            var listed = service.get("/api/integrations", Map.of("Authorization", "Bearer " + platformToken));
            assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
            assertThat(listed.body()).isEqualTo("[]");
        }

        @Test
        void servesMetricsOnlyOnTheManagementInterface() throws Exception {
            assertThat(service.get("/q/metrics", Map.of()).statusCode()).isEqualTo(404);
            assertThat(service.management("/q/metrics").body()).contains("jvm_memory_used_bytes");
        }

        @Test
        void refusesATokenIssuedForAnotherService() throws Exception {
            var listed = service.get("/api/integrations",
                    Map.of("Authorization", "Bearer " + platformToken("another-service")));
            assertThat(listed.statusCode()).isEqualTo(401);
        }

        @Test
        void startsConnectFlowsAtItsPublicUrl() throws Exception {
            var connect = service.post("/api/integrations/connect", "{\"integration_type\":\"gmail\"}",
                    Map.of("Authorization", "Bearer " + platformToken, "Content-Type", "application/json"));
            assertThat(connect.statusCode()).as(connect.body()).isEqualTo(200);
            assertThat(connect.body()).contains("\"oauth_url\":\"https://hub.example.com/api/integrations/authorize?flow=");
        }

        @Test
        void refusesADevMintedToken() throws Exception {
            var devToken = service.get("/api/integrations", Map.of("Authorization", "Bearer " + Tokens.forUser("carol")));
            assertThat(devToken.statusCode()).as("a dev-minted token in prod").isEqualTo(401);
            assertThat(devToken.headers().firstValue("Content-Type")).contains("application/problem+json");
        }

        @Test
        void printsNoKeyTokenOrClientSecret() throws Exception {
            service.get("/api/integrations", Map.of("Authorization", "Bearer " + platformToken));

            String keyMaterial = keyset.replaceAll("(?s).*\"value\":\"([^\"]+)\".*", "$1");
            assertThat(keyMaterial).hasSizeGreaterThan(40);
            assertThat(service.output()).doesNotContain(keyMaterial, platformToken, CLIENT_SECRET);
        }
    }

    @Test
    void refusesToStartWithoutADatabase() throws Exception {
        Map<String, String> environment = complete();
        environment.remove("QUARKUS_DATASOURCE_JDBC_URL");
        Refusal refusal = refusedStart(environment);
        assertThat(refusal.messages()).anySatisfy(line -> assertThat(line).contains("quarkus.datasource.jdbc.url"));
    }

    @Test
    void refusesToStartWithoutAKeysetNamingIt() throws Exception {
        Map<String, String> environment = complete();
        environment.remove("HUB_CRYPTO_KEYSET");
        Refusal refusal = refusedStart(environment);
        assertThat(refusal.messages()).anySatisfy(line -> assertThat(line).contains("hub.crypto.keyset",
                "HUB_CRYPTO_KEYSET", "is not set"));
    }

    @Test
    void refusesAMalformedKeysetWithoutPrintingIt() throws Exception {
        Map<String, String> environment = complete();
        String secretLooking = "{\"primaryKeyId\":7,\"key\":[{\"keyData\":{\"value\":\"R2lEOG5mc2tJbnA4ZDdHbEhQb0\"}}]}";
        environment.put("HUB_CRYPTO_KEYSET", secretLooking);
        Refusal refusal = refusedStart(environment);
        assertThat(refusal.messages()).anySatisfy(line -> assertThat(line).contains("hub.crypto.keyset", "invalid"));
        assertThat(refusal.output()).doesNotContain("R2lEOG5mc2tJbnA4ZDdHbEhQb0");
    }

    @Test
    void refusesMalformedUrlsNamingTheKeys() throws Exception {
        Map<String, String> environment = complete();
        environment.put("HUB_PUBLIC_URL", "hub.example.com/");
        environment.put("HUB_FRONTEND_URL", "https://app.example.com/settings");
        Refusal refusal = refusedStart(environment);
        assertThat(refusal.messages()).anySatisfy(line -> assertThat(line).contains("hub.public-url"))
                .anySatisfy(line -> assertThat(line).contains("hub.frontend-url"));
    }

    @Test
    void refusesToTrustTheDevSigningKey() throws Exception {
        Map<String, String> environment = complete();
        environment.remove("QUARKUS_OIDC_AUTH_SERVER_URL");
        environment.put("QUARKUS_OIDC_PUBLIC_KEY", Files.readString(Path.of("dev/dev-signing-key.pub.pem"))
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        Refusal refusal = refusedStart(environment);
        assertThat(refusal.messages()).anySatisfy(line -> assertThat(line).contains("dev-only signing key"));
    }

    @Test
    void refusesABotTokenWithoutItsUsernameAndWebhookSecretNamingThemButNotTheToken() throws Exception {
        Map<String, String> environment = complete();
        String token = "123456789:" + "packaged-bot-token-" + "Zq81";
        environment.put("HUB_TELEGRAM_BOT_TOKEN", token);
        Refusal refusal = refusedStart(environment);
        assertThat(refusal.messages()).anySatisfy(line -> assertThat(line).contains("hub.telegram.bot-username"));
        assertThat(refusal.output()).doesNotContain(token);
    }

    @Test
    void refusesAnUploadChunkSizeDriveCannotTakeNamingIt() throws Exception {
        Map<String, String> environment = complete();
        environment.put("HUB_DRIVE_CHUNK_SIZE", "1000K");
        Refusal refusal = refusedStart(environment);
        assertThat(refusal.messages()).anySatisfy(line -> assertThat(line).contains("hub.drive.chunk-size"));
    }

    @Test
    void refusesToStartWithTheSandboxProviderOnNamingTheKey() throws Exception {
        Map<String, String> environment = complete();
        environment.put("HUB_SANDBOX_ENABLED", "true");
        Refusal refusal = refusedStart(environment);
        assertThat(refusal.messages()).anySatisfy(line -> assertThat(line).contains("hub.sandbox.enabled"));
    }

    /** What a packaged service that refused to start printed. */
    private record Refusal(List<String> messages, String output) {
    }

    /** Starts the packaged service, expects it to exit with an error by itself, and returns what it printed. */
    private static Refusal refusedStart(Map<String, String> environment) throws Exception {
        try (PackagedService service = PackagedService.start(environment)) {
            assertThat(service.awaitExit(START)).isNotZero();
            return new Refusal(service.messages(), service.output());
        }
    }

    @Test
    void refusesToStartWhenTheKeysetLacksAKeyOfStoredSecretsNamingItsId() throws Exception {
        try (java.sql.Connection db = postgres.getPostgresDatabase().getConnection()) {
            db.createStatement().execute("CREATE DATABASE key_check");
        }
        Map<String, String> environment = complete();
        environment.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.getJdbcUrl("postgres", "key_check"));
        try (PackagedService first = PackagedService.start(environment)) {
            first.awaitReady(START);
        }
        KeysetHandle retired = Keysets.generate();
        try (java.sql.Connection db = postgres.getDatabase("postgres", "key_check").getConnection()) {
            GrantRows.insert(db, new SecretCipher(retired), 1, i -> Instant.now().plusSeconds(3600));
        }
        long retiredKeyId = retired.getPrimary().getId() & 0xFFFFFFFFL;

        Refusal refusal = refusedStart(environment);
        assertThat(refusal.messages()).anySatisfy(line -> assertThat(line).contains("hub.crypto.keyset lacks the keys",
                "[" + retiredKeyId + "]"));
        assertThat(refusal.output()).doesNotContain(Keysets.toJson(retired));
    }

    @Test
    void refusesToStartWithoutATokenAudienceNamingIt() throws Exception {
        Map<String, String> environment = complete();
        environment.remove("QUARKUS_OIDC_TOKEN_AUDIENCE");
        Refusal refusal = refusedStart(environment);
        assertThat(refusal.messages()).anySatisfy(line -> assertThat(line).contains("quarkus.oidc.token.audience"));
    }

    /** A token of the platform's identity provider for carol, issued for {@code audience}. */
    private static String platformToken(String audience) {
        return Jwt.issuer(issuer()).subject("carol").audience(audience).expiresIn(Duration.ofMinutes(5)).jws()
                .keyId("idp-1").sign(identityProviderKey.getPrivate());
    }

    /** Everything a production start needs, as environment variables. */
    private static Map<String, String> complete() {
        Map<String, String> environment = new HashMap<>();
        environment.put("HUB_PUBLIC_URL", "https://hub.example.com");
        environment.put("HUB_FRONTEND_URL", "https://app.example.com");
        environment.put("HUB_CRYPTO_KEYSET", Keysets.toJson(Keysets.generate()));
        environment.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.getJdbcUrl("postgres", "postgres"));
        environment.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        environment.put("QUARKUS_DATASOURCE_PASSWORD", "unused-with-trust-auth");
        environment.put("QUARKUS_OIDC_AUTH_SERVER_URL", issuer());
        environment.put("QUARKUS_OIDC_TOKEN_AUDIENCE", PackagedService.AUDIENCE);
        return environment;
    }

    private static String issuer() {
        return identityProvider.baseUrl() + "/realms/platform";
    }

    /** A big-endian two's-complement number without its sign byte, as JWK wants it. */
    private static byte[] unsigned(byte[] bytes) {
        return bytes.length > 1 && bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }
}
