package dev.integrationhub.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * Every API call needs a valid bearer token of the identity provider (answered with a problem otherwise), the
 * README's dev-token command mints one, and operations endpoints need none.
 */
@QuarkusTest
class AuthenticationTest {

    /** The management interface, where health and metrics are served. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void aRequestWithoutATokenIsUnauthorized() {
        expectUnauthorized(given(), "Bearer");
    }

    @Test
    void anInvalidTokenIsUnauthorized() {
        String valid = Tokens.forUser("alice");
        expectUnauthorized(given().auth().oauth2("not-a-jwt"), "Bearer error=\"invalid_token\"");
        expectUnauthorized(given().auth().oauth2(valid.substring(0, valid.length() - 4) + "AAAA"),
                "Bearer error=\"invalid_token\"");
        expectUnauthorized(given().auth().oauth2(Tokens.expired("alice")), "Bearer error=\"invalid_token\"");
        expectUnauthorized(given().auth().oauth2(Tokens.withIssuer("https://evil.example", "alice")),
                "Bearer error=\"invalid_token\"");
        expectUnauthorized(given().auth().oauth2(
                Tokens.signedWith(Tokens.newRsaKeyPair().getPrivate(), Tokens.DEV_ISSUER, "alice")),
                "Bearer error=\"invalid_token\"");
        expectUnauthorized(given().header("Authorization", "Basic YWxpY2U6c2VjcmV0"), "Bearer");
    }

    @Test
    void aTokenWithoutSubjectIsUnauthorized() {
        expectUnauthorized(given().auth().oauth2(Tokens.withoutSubject()), "Bearer error=\"invalid_token\"");
    }

    @Test
    void theReadmesDevTokenCommandMintsAnAcceptedToken() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bin/dev-token", "readme-user").redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String token = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.exitValue()).as(token).isZero();

        given().auth().oauth2(token).when().get("/api/integrations").then().statusCode(200);
    }

    @Test
    void theDevTokenCommandRefusesAMalformedUserId() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bin/dev-token", "alice\",\"admin\":\"true").redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
    }

    @Test
    void operationsEndpointsNeedNoToken() {
        given().port(management.getPort()).when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    private static void expectUnauthorized(RequestSpecification request, String challenge) {
        request.when().get("/api/integrations")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", challenge)
                .body("code", equalTo("unauthorized"))
                .body("type", equalTo("urn:integration-hub:problem:unauthorized"));
    }
}
