package dev.integrationhub.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import dev.integrationhub.crypto.Keysets;
import dev.integrationhub.testsupport.FreePorts;
import dev.integrationhub.testsupport.IssuedSecrets;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * What the packaged service needs when Quarkus itself starts it for a {@code @QuarkusIntegrationTest} (the jar, or
 * the native executable of {@code -Dnative}): a real PostgreSQL, an encryption keyset and an identity provider's key.
 * The packaged artifact has none of the dev and test conveniences (the embedded-database extension is not packaged;
 * the dev signing key is refused), so it gets them as an operator gives them: as configuration, the keyset through a
 * file so that it is never on a command line (Quarkus prints the command it launches).
 */
public class PackagedDependencies implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgres postgres;
    private Path secrets;
    private Platform platform;

    /**
     * The started service's other side, injected into any test field of this type: its management port and the
     * identity provider's tokens.
     *
     * @param managementPort where health and metrics are served
     * @param identityProviderKey signs tokens the service trusts
     */
    public record Platform(int managementPort, PrivateKey identityProviderKey) {

        /** A person's token, issued for the hub. */
        public String userToken(String subject) {
            return issued(Jwt.subject(subject).audience(PackagedService.AUDIENCE).expiresIn(Duration.ofMinutes(5))
                    .sign(identityProviderKey));
        }

        /** A platform service's token, issued for the hub: its client id as subject and {@code azp}, and a role. */
        public String serviceToken(String clientId, String role) {
            return issued(Jwt.subject(clientId).claim("azp", clientId).groups(role).audience(PackagedService.AUDIENCE)
                    .expiresIn(Duration.ofMinutes(5)).sign(identityProviderKey));
        }

        /**
         * Every token handed to a test is one the service's log must never show
         * ({@link dev.integrationhub.testsupport.LogHygiene}).
         */
        private static String issued(String token) {
            IssuedSecrets.record(token);
            return token;
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            postgres = EmbeddedPostgres.builder().start();
            secrets = Files.createTempFile("packaged-secrets", ".properties",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(secrets, "hub.crypto.keyset=" + Keysets.toJson(Keysets.generate()) + "\n");
            KeyPair identityProvider = Tokens.newRsaKeyPair();
            platform = new Platform(FreePorts.pick(), identityProvider.getPrivate());
            return Map.of(
                    "quarkus.config.locations", secrets.toUri().toString(),
                    "quarkus.datasource.jdbc.url", postgres.getJdbcUrl("postgres", "postgres"),
                    "quarkus.datasource.username", "postgres",
                    "quarkus.datasource.password", "unused-with-trust-auth",
                    "quarkus.management.port", String.valueOf(platform.managementPort()),
                    "quarkus.oidc.public-key",
                    Base64.getEncoder().encodeToString(identityProvider.getPublic().getEncoded()),
                    "quarkus.oidc.token.audience", PackagedService.AUDIENCE,
                    "hub.public-url", "https://hub.example.com",
                    "hub.frontend-url", "https://app.example.com");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(platform, new TestInjector.MatchesType(Platform.class));
    }

    @Override
    public void stop() {
        try {
            if (postgres != null) {
                postgres.close();
            }
            if (secrets != null) {
                Files.deleteIfExists(secrets);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
