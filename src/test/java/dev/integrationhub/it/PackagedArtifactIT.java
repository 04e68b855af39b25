package dev.integrationhub.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The packaged artifact as Quarkus starts it: the jar, or with {@code -Dnative} the native executable, so these run
 * against whatever the build produced. They are also the training run of the JDK's AOT cache: with
 * {@code -Dquarkus.package.jar.aot.enabled=true} Quarkus records what this run loads and leaves
 * {@code target/quarkus-app/app.aot} ({@code bin/package-aot}).
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedDependencies.class)
class PackagedArtifactIT {

    private static final String PROBLEM = "application/problem+json";

    /** Injected by {@link PackagedDependencies}. */
    PackagedDependencies.Platform platform;

    @Test
    void isReadyOnItsDatabase() {
        given().port(platform.managementPort()).get("/q/health/ready")
                .then().statusCode(200).body(containsString("Database connections"));
    }

    @Test
    void answersARequestWithoutATokenWithAProblem() {
        given().get("/api/integrations")
                .then().statusCode(401).contentType(PROBLEM).body("code", equalTo("unauthorized"));
    }

    @Test
    void listsThePersonsConnections() {
        given().auth().oauth2(platform.userToken("carol")).get("/api/integrations")
                .then().statusCode(200).body(equalTo("[]"));
    }

    @Test
    void handsAPlatformServiceNoTokenOfAConnectionThatDoesNotExist() {
        given().auth().oauth2(platform.serviceToken("workflow-engine", "integration-hub-token-reader"))
                .post("/api/internal/connections/" + UUID.randomUUID() + "/access-token")
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("not_found"));
    }
}
