package dev.integrationhub.error;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.integrationhub.testsupport.CapturedLog;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/** Every error is application/problem+json with a stable code and never leaks internals. */
@QuarkusTest
class ProblemResponsesTest {

    private static RequestSpecification asUser() {
        return given().auth().oauth2(Tokens.forUser("problem-tester"));
    }

    private static ValidatableResponse expectProblem(ValidatableResponse response, int status, String code) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("code", equalTo(code))
                .body("type", equalTo("urn:integration-hub:problem:" + code))
                .body("title", not(equalTo(null)))
                .body("detail", not(equalTo(null)))
                .body(not(containsString("Exception")))
                .body(not(containsString("\tat ")));
    }

    @Test
    void unknownRoutesAreNotFound() {
        expectProblem(asUser().when().get("/api/no-such-thing").then(), 404, "not_found");
        expectProblem(given().when().get("/no-such-page").then(), 404, "not_found");
    }

    @Test
    void aWrongMethodIsNotAllowed() {
        expectProblem(asUser().when().delete("/api/integrations").then(), 405, "method_not_allowed");
    }

    @Test
    void aWrongContentTypeIsUnsupported() {
        expectProblem(asUser().contentType(ContentType.TEXT).body("default_chat_id=1")
                .when().patch("/api/integrations/{id}", UUID.randomUUID()).then(), 415, "unsupported_media_type");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "{\"metadata\":", "nul", "{'metadata':{}}", "[]", "\"text\"" })
    void malformedJsonIsABadRequest(String body) {
        expectProblem(patch(body), 400, "malformed_json");
    }

    @Test
    void aNameGivenTwiceInOneObjectIsMalformedJson() {
        expectProblem(patch("{\"metadata\":{\"default_chat_id\":\"-1001\",\"default_chat_id\":\"-1002\"}}"), 400,
                "malformed_json");
    }

    @Test
    void aMissingBodyIsNamed() {
        expectProblem(asUser().contentType(ContentType.JSON).when().patch("/api/integrations/{id}", UUID.randomUUID())
                .then(), 400, "validation_failed").body("errors.field", hasItem("body"));
    }

    @Test
    void aMissingFieldIsNamed() {
        expectProblem(patch("{}"), 400, "validation_failed").body("errors[0].field", equalTo("metadata"))
                .body("detail", containsString("metadata"));
    }

    @Test
    void aFieldOfTheWrongTypeIsNamed() {
        expectProblem(patch("{\"metadata\":{\"default_chat_id\":[1]}}"), 400, "validation_failed")
                .body("errors[0].field", equalTo("metadata.default_chat_id"));
    }

    @Test
    void anUnknownFieldIsNamed() {
        expectProblem(patch("{\"metadata\":{\"bot_token\":\"x\"}}"), 400, "validation_failed")
                .body("errors[0].field", equalTo("metadata.bot_token"));
    }

    @Test
    void aConstraintViolationNamesTheFieldInItsJsonSpelling() {
        expectProblem(patch("{\"metadata\":{\"default_chat_id\":\"not a chat\"}}"), 400, "validation_failed")
                .body("errors[0].field", equalTo("metadata.default_chat_id"))
                .body("errors[0].message", containsString("Telegram chat id"))
                .body("detail", containsString("metadata.default_chat_id"));
    }

    @Test
    void oversizedJsonWithinTheByteLimitIsABadRequest() {
        expectProblem(patch("{\"metadata\":{\"default_chat_id\":" + "1".repeat(JsonLimits.MAX_NUMBER_LENGTH + 1) + "}}"),
                400, "json_too_large");
    }

    @Test
    void anOversizedBodyIsRefusedBeforeItIsRead() {
        String big = "{\"metadata\":{\"default_chat_id\":\"" + "1".repeat(2 * 1024 * 1024) + "\"}}";
        expectProblem(patch(big), 413, "payload_too_large");
    }

    @Test
    void anUnreachableDatabaseIsServiceUnavailableWithRetryAfterAndNoDetail() {
        expectProblem(asUser().when().get("/api/test-support/failure/database").then(), 503, "database_unavailable")
                .header("Retry-After", "5").body(not(containsString(FailingResource.INTERNAL_DETAIL)))
                .body(not(containsString("JDBC")));
    }

    @Test
    void anUnexpectedErrorAnswersWithNothingButAnId() {
        expectProblem(asUser().when().get("/api/test-support/failure").then(), 500, "internal_error")
                .body("error_id", matchesPattern("[0-9a-f-]{36}"))
                .body(not(containsString(FailingResource.INTERNAL_DETAIL)))
                .body(not(containsString("IllegalState")));
    }

    @Test
    void aJacksonDefinitionErrorIsAnInternalErrorProblemNotABare500() {
        expectProblem(asUser().when().get("/api/test-support/failure/json-definition").then(), 500, "internal_error")
                .body("error_id", matchesPattern("[0-9a-f-]{36}"))
                .body(not(containsString(FailingResource.INTERNAL_DETAIL)));
    }

    @Test
    void theIdOfAnUnexpectedErrorIsInTheLogWithTheCause() {
        try (CapturedLog log = CapturedLog.start()) {
            String errorId = asUser().when().get("/api/test-support/failure").then().statusCode(500)
                    .extract().path("error_id");

            assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains(errorId).contains("IllegalStateException"));
        }
    }

    private static ValidatableResponse patch(String body) {
        return asUser().contentType(ContentType.JSON).body(body)
                .when().patch("/api/integrations/{id}", UUID.randomUUID()).then();
    }
}
