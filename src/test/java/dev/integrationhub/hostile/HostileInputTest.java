package dev.integrationhub.hostile;

import static dev.integrationhub.testsupport.FakeOAuth.secret;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import dev.integrationhub.hostile.PublicRoutes.Route;
import dev.integrationhub.testsupport.Browser;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.DatabaseDump;
import dev.integrationhub.testsupport.FakeGoogleApis;
import dev.integrationhub.testsupport.FakeOAuth;
import dev.integrationhub.testsupport.FakeProviders;
import dev.integrationhub.testsupport.IssuedSecrets;
import dev.integrationhub.testsupport.Tokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Hostile input against every public endpoint (issue 15): malformed, oversized, deeply nested and invalid-UTF-8
 * JSON, huge headers and cookies, wrong content types, duplicated query parameters, path ids that are not UUIDs
 * or belong to another user, {@code return_to} injections, CR/LF in mail headers, {@code ../} and control
 * characters in file names, forged Telegram secret headers and forged bearer tokens, confirmation codes of other
 * users. Each answer is a 4xx {@code application/problem+json} without a stack trace or the hostile input's
 * secret (or the documented browser answer: the callback's redirect to the web app with {@code ?error=}, the
 * authorize hop's "unusable link" page), never a 5xx. Two refusals happen below the REST layer and have no
 * problem body, only their status and nothing echoed: a head over {@code quarkus.http.limits.max-header-size} (431
 * from the HTTP codec) and an undeclared-length body past its route's limit (413 from Quarkus' request body stream,
 * which ends the response before a mapper can write one).
 * <p>
 * The routes come from the running service's OpenAPI document ({@link PublicRoutes}), so the input classes that
 * apply to every route (forged bearer, wrong content type, malformed JSON, invalid UTF-8, deep nesting, oversized
 * bodies, huge headers, ids) reach an endpoint added later without being told.
 * <p>
 * <b>The database is byte-for-byte unchanged:</b> fixtures are made and the scheduler paused, then every table is
 * dumped ({@link DatabaseDump}); the hostile requests run (ordered before it), and
 * {@link #theDatabaseIsByteForByteUnchangedByEveryHostileRequest} dumps again and compares. Two refusals are
 * documented to leave an audit row, so they run after that comparison and assert their row instead: a
 * confirmation code redeemed by another user ({@code connect.foreign_confirmation}; the held grant is also
 * revoked and destroyed, DESIGN.md "Security rules") and a person's bearer on the internal token API
 * ({@code token.refused}: every refused hand-out is audited).
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {

    /** The routes a browser or Telegram calls, without a bearer token. */
    private static final List<String> WITHOUT_BEARER = List.of("/api/integrations/authorize", "/api/integrations/callback",
            "/api/integrations/telegram/webhook");
    private static final String WEBHOOK = "/api/integrations/telegram/webhook";
    private static final String INTERNAL_TOKEN = "/api/internal/connections/{id}/access-token";
    private static final String SERVICE_ROLE = "integration-hub-token-reader";
    /** What a stack trace or an exception's text would show. */
    private static final List<String> INTERNALS = List.of("at dev.", "Exception", "java.", "\tat ", "jakarta.",
            "io.quarkus", "com.fasterxml");
    /** Over every route's body limit, even the Drive upload's (5 GB and framing). */
    private static final long HUGE_LENGTH = 10L * 1024 * 1024 * 1024;
    private static final int JSON_LIMIT = 1024 * 1024;

    @Inject
    ConnectionFixtures fixtures;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Scheduler scheduler;

    @Inject
    EntityManager entityManager;

    @FakeProviders.InjectServer
    WireMockServer server;

    @TestHTTPResource("/")
    URL hub;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    List<Route> routes;
    String alice;
    String aliceToken;
    UUID aliceGmail;
    UUID aliceDrive;
    UUID bobGmail;
    Map<String, List<String>> before;

    @BeforeAll
    void fixturesThenDump() {
        routes = PublicRoutes.of(management);
        alice = ConnectionFixtures.newUser("alice");
        aliceToken = Tokens.forUser(alice);
        IssuedSecrets.record(aliceToken);
        aliceGmail = fixtures.create(alice, "gmail", "alice@example.com", secret("ya29.alice"), secret("1//alice")).id;
        aliceDrive = fixtures.create(alice, "google_drive", "alice@example.com", secret("ya29.drive"),
                secret("1//drive")).id;
        bobGmail = fixtures.create(ConnectionFixtures.newUser("bob"), "gmail", "bob@example.com", secret("ya29.bob"),
                secret("1//bob")).id;
        scheduler.pause();
        before = DatabaseDump.settled(dataSource);
    }

    @AfterAll
    void resumeScheduler() {
        scheduler.resume();
    }

    @Test
    @Order(1)
    void theRouteListHoldsEveryEndpointOfTheContract() {
        assertThat(routes).map(Route::toString).contains("POST /api/integrations/connect",
                "GET /api/integrations/authorize", "GET /api/integrations/callback", "POST /api/integrations/confirm",
                "GET /api/integrations", "GET /api/integrations/{id}", "PATCH /api/integrations/{id}",
                "DELETE /api/integrations/{id}", "POST /api/integrations/{id}/verify",
                "POST /api/integrations/gmail/send", "POST /api/integrations/google_drive/files",
                "POST /api/integrations/telegram/send", "POST " + WEBHOOK, "POST " + INTERNAL_TOKEN);
    }

    @Test
    @Order(2)
    void everyRouteOfTheWebAppRefusesAForgedBearerWith401() {
        String forged = Tokens.signedWith(Tokens.newRsaKeyPair().getPrivate(), Tokens.DEV_ISSUER, alice);
        IssuedSecrets.record(forged);
        eachRoute(route -> !WITHOUT_BEARER.contains(route.path()), (route, soft) -> {
            ExtractableResponse<Response> answer = request(given().auth().oauth2(forged), route, aliceGmail,
                    ownType(route), "{}");
            expectProblem(soft, route + " with a forged bearer", answer, 401, forged);
        });
    }

    @Test
    @Order(3)
    void everyRouteOfTheWebAppRefusesAMissingBearerWith401() {
        eachRoute(route -> !WITHOUT_BEARER.contains(route.path()), (route, soft) -> expectProblem(soft,
                route + " without a bearer", request(given(), route, aliceGmail, ownType(route), "{}"), 401));
    }

    @Test
    @Order(4)
    void everyJsonRouteRefusesMalformedJsonWith400() {
        List<String> bodies = List.of("{\"integration_type\":", "nul", "{'a':1}", "{\"a\" 1}", "{\"a\":1}}", "[1,]",
                "\u0000", "{\"a\":\"\\uZZZZ\"}", "{\"a\":NaN}");
        eachRoute(Route::takesJson, (route, soft) -> bodies.forEach(body -> expectProblem(soft,
                route + " with " + body, asAlice(route, aliceGmail, "application/json", body), 400)));
    }

    @Test
    @Order(5)
    void everyJsonRouteRefusesInvalidUtf8With400() {
        List<byte[]> bodies = List.of(bytes("{\"", 0xC3, 0x28, "\":1}"), bytes("{\"", 0xFF, 0xFE, "\":1}"),
                bytes("{\"", 0xC0, 0xAF, "\":1}"), bytes("{\"", 0xED, 0xA0, 0x80, "\":1}"),
                bytes("{\"integration_type\":\"", 0xE2, 0x82, "\"}"), bytes("{\"confirmation\":\"", 0xF8, 0x88, 0x80, 0x80,
                        0x80, "\"}"),
                bytes("{\"text\":\"", 0x80, "\"}"), bytes(0xEF, 0xBB, 0xBF, 0xFF, "{}"));
        eachRoute(Route::takesJson, (route, soft) -> bodies.forEach(body -> {
            ExtractableResponse<Response> answer = given().auth().oauth2(aliceToken)
                    .contentType("application/json; charset=UTF-8").body(body).when()
                    .request(route.method(), route.with(aliceGmail.toString())).then().extract();
            expectProblem(soft, route + " with invalid UTF-8", answer, 400);
        }));
    }

    @Test
    @Order(6)
    void everyJsonRouteRefusesDeepNestingWith400() {
        int depth = 10_000;
        List<String> bodies = List.of("[".repeat(depth) + "]".repeat(depth),
                "{\"a\":".repeat(depth) + "1" + "}".repeat(depth),
                "{\"metadata\":" + "{\"default_chat_id\":".repeat(depth) + "1" + "}".repeat(depth + 1),
                "{\"to\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
        eachRoute(Route::takesJson, (route, soft) -> bodies.forEach(body -> expectProblem(soft,
                route + " nested " + depth + " deep", asAlice(route, aliceGmail, "application/json", body), 400)));
    }

    @Test
    @Order(7)
    void everyRouteRefusesADeclaredLengthOverItsLimitBeforeReadingTheBody() {
        RawHttp raw = new RawHttp(hub);
        eachRoute(route -> true, (route, soft) -> {
            RawHttp.Answer answer = raw.send(route.method() + " " + route.with(aliceGmail.toString()) + " HTTP/1.1\r\n"
                    + "Authorization: Bearer " + aliceToken + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + HUGE_LENGTH, "{\"a\":\"".getBytes(StandardCharsets.US_ASCII));
            expectProblem(soft, route + " declaring " + HUGE_LENGTH + " bytes", answer, 413, aliceToken);
        });
    }

    @Test
    @Order(8)
    void everyJsonRouteRefusesAJsonBodyOverOneMebibyte() {
        String big = "{\"text\":\"" + "x".repeat(JSON_LIMIT) + "\"}";
        eachRoute(route -> route.takesJson() && !route.path().endsWith("/gmail/send"), (route, soft) -> expectProblem(soft,
                route + " with " + big.length() + " bytes", asAlice(route, aliceGmail, "application/json", big), 413));
    }

    @Test
    @Order(9)
    void everyJsonRouteCutsOffAnUndeclaredBodyOverOneMebibyte() {
        RawHttp raw = new RawHttp(hub);
        byte[] body = RawHttp.chunked(("{\"text\":\"" + "x".repeat(JSON_LIMIT + 1024) + "\"}")
                .getBytes(StandardCharsets.US_ASCII), 64 * 1024);
        eachRoute(route -> route.takesJson() && !route.path().endsWith("/gmail/send"), (route, soft) -> {
            RawHttp.Answer answer = raw.send(route.method() + " " + route.with(aliceGmail.toString()) + " HTTP/1.1\r\n"
                    + "Authorization: Bearer " + aliceToken + "\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked", body);
            expectTooLargeWithoutBody(soft, route + " chunked past the limit", answer);
        });
    }

    @Test
    @Order(10)
    void everyRouteWithABodyRefusesAWrongContentTypeWith415() {
        RawHttp raw = new RawHttp(hub);
        byte[] body = "{\"integration_type\":\"gmail\"}".getBytes(StandardCharsets.US_ASCII);
        eachRoute(route -> !route.consumes().isEmpty() && !route.takesAnyType(), (route, soft) -> {
            List<String> wrong = new ArrayList<>(List.of("text/plain", "application/xml",
                    "application/x-www-form-urlencoded", "application/json-patch+json", "image/png"));
            wrong.add(route.takesJson() ? "multipart/form-data; boundary=hostile" : "application/json");
            wrong.forEach(type -> expectProblem(soft, route + " as " + type,
                    raw.send(route.method() + " " + route.with(aliceGmail.toString()) + " HTTP/1.1\r\nAuthorization: Bearer "
                            + aliceToken + "\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length, body),
                    415, aliceToken));
        });
    }

    @Test
    @Order(11)
    void everyRouteRefusesHugeHeadersAndCookiesWith431() {
        String huge = "a".repeat(20 * 1024);
        eachRoute(route -> true, (route, soft) -> {
            expectRefusedHead(soft, route + " with a huge header",
                    request(given().auth().oauth2(aliceToken).header("X-Filler", huge), route, aliceGmail,
                            "application/json", "{}"));
            expectRefusedHead(soft, route + " with a huge cookie",
                    request(given().auth().oauth2(aliceToken).cookie("hub_flow", huge), route, aliceGmail,
                            "application/json", "{}"));
            expectRefusedHead(soft, route + " with many cookies",
                    request(given().auth().oauth2(aliceToken).header("Cookie", "c=1; ".repeat(4000)), route,
                            aliceGmail, "application/json", "{}"));
        });
    }

    @Test
    @Order(12)
    void everyRouteWithAnIdRefusesIdsThatAreNotUuidsWith400() {
        List<String> ids = List.of("not-a-uuid", "1-1-1-1-1", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
                "%27%20OR%201%3D1--", "..%2F..%2Fetc", "%00", "%0d%0aSet-Cookie:%20x=1",
                "00000000-0000-0000-0000-0000000000001",
                "+0000000-0000-0000-0000-000000000000", "%E2%80%AE" + "0".repeat(33), "x".repeat(2000));
        String service = Tokens.forService("workflow-engine", SERVICE_ROLE);
        eachRoute(Route::hasId, (route, soft) -> ids.forEach(id -> {
            String token = route.path().equals(INTERNAL_TOKEN) ? service : aliceToken;
            ExtractableResponse<Response> answer = given().urlEncodingEnabled(false).auth().oauth2(token)
                    .contentType("application/json").body(body(route)).when()
                    .request(route.method(), route.with(id)).then().extract();
            expectProblem(soft, route + " with id " + id, answer, 400, 404);
        }));
    }

    @Test
    @Order(13)
    void everyRouteOfThePersonAnswersAnotherUsersConnectionAs404() {
        eachRoute(route -> route.hasId() && !route.path().equals(INTERNAL_TOKEN), (route, soft) -> expectProblem(soft,
                route + " with bob's id", asAlice(route, bobGmail, "application/json", body(route)), 404));
    }

    @Test
    @Order(14)
    void actionsRefuseAnotherUsersConnectionIdWith404() {
        String other = bobGmail.toString();
        expectProblem(null, "gmail send", asAlice("/api/integrations/gmail/send",
                "{\"connection_id\":\"" + other + "\",\"to\":[\"x@example.com\"],\"subject\":\"s\",\"text\":\"t\"}"), 404);
        expectProblem(null, "telegram send", asAlice("/api/integrations/telegram/send",
                "{\"connection_id\":\"" + other + "\",\"text\":\"t\"}"), 404);
    }

    @Test
    @Order(15)
    void theInternalTokenApiAnswersAnUnknownConnectionAs404() {
        String service = Tokens.forService("workflow-engine", SERVICE_ROLE);
        expectProblem(null, "internal token of an unknown connection", given().auth().oauth2(service).when()
                .post(INTERNAL_TOKEN.replace("{id}", UUID.randomUUID().toString())).then().extract(), 404, service);
    }

    @Test
    @Order(16)
    void connectRefusesReturnToInjectionsWith400() {
        List<String> injections = List.of("//evil.example", "https://evil.example/settings", "/\\evil.example",
                "/settings/../..//evil.example", "/%2F%2Fevil.example", "javascript:alert(1)", "/settings\r\nLocation: x",
                "/settings?x=1", "/settings#x", " /settings", "/settings\u0000", "\\\\evil.example", "/./settings",
                "/settings/" + "a".repeat(300), "/settings\u2028", "https:/evil.example", "/integrations@evil.example");
        SoftAssertions soft = new SoftAssertions();
        injections.forEach(returnTo -> {
            ExtractableResponse<Response> answer = asAlice("/api/integrations/connect",
                    json(Map.of("integration_type", "gmail", "return_to", returnTo)));
            expectProblem(soft, "return_to " + returnTo, answer, 400);
            soft.assertThat(answer.body().asString()).as("return_to " + returnTo).doesNotContain("evil.example");
        });
        soft.assertAll();
    }

    @Test
    @Order(17)
    void connectRefusesUnknownIntegrationTypesAndDisplaysWith400() {
        SoftAssertions soft = new SoftAssertions();
        List.of(json(Map.of("integration_type", "gmail\r\nX: y")), json(Map.of("integration_type", "../gmail")),
                json(Map.of("integration_type", "x".repeat(5000))), json(Map.of("integration_type", "gmail",
                        "display", "popup\r\n")),
                "{\"integration_type\":[\"gmail\",\"google_drive\"]}",
                "{\"integration_type\":\"gmail\",\"integration_type\":\"telegram\"}")
                .forEach(body -> expectProblem(soft, "connect with " + body, asAlice("/api/integrations/connect", body),
                        400));
        soft.assertAll();
    }

    @Test
    @Order(18)
    void theCallbackAnswersInjectionsWithTheDocumentedRedirectAndAFixedErrorCode() {
        SoftAssertions soft = new SoftAssertions();
        List<Map<String, String>> queries = List.of(Map.of("error", "access_denied\r\nSet-Cookie: evil=1"),
                Map.of("error", "<script>alert(1)</script>"), Map.of("state", secret("forged-state"), "code", "4/x"),
                Map.of("state", "x\r\nLocation: https://evil.example", "code", "c"),
                Map.of("state", "a".repeat(3000), "code", "c"), Map.of("code", "4/only"),
                Map.of("state", "../../etc/passwd", "code", "%00"));
        queries.forEach(query -> {
            ExtractableResponse<Response> answer = given().redirects().follow(false).queryParams(query)
                    .cookie("hub_flow", secret("forged-cookie")).when().get("/api/integrations/callback").then()
                    .extract();
            String what = "callback " + query;
            soft.assertThat(answer.statusCode()).as(what).isEqualTo(302);
            soft.assertThat(answer.header("Location")).as(what).matches(
                    "http://localhost:5173/integrations\\?error=[a-z_]+").doesNotContain("evil").doesNotContain("script");
            soft.assertThat(answer.header("Cache-Control")).as(what).contains("no-store");
            query.values().forEach(value -> soft.assertThat(answer.body().asString()).as(what).doesNotContain(value));
        });
        soft.assertAll();
    }

    @Test
    @Order(19)
    void duplicatedQueryParametersOfTheCallbackAreRefusedWithTheDocumentedRedirect() {
        String first = secret("state-one");
        String second = secret("state-two");
        ExtractableResponse<Response> answer = given().redirects().follow(false).urlEncodingEnabled(false).when()
                .get("/api/integrations/callback?state=" + first + "&state=" + second + "&code=a&code=b&error=x&error=y")
                .then().extract();

        assertThat(answer.statusCode()).isEqualTo(302);
        assertThat(answer.header("Location")).matches("http://localhost:5173/integrations\\?error=[a-z_]+")
                .doesNotContain(first, second);
    }

    @Test
    @Order(20)
    void duplicatedFlowHandlesOfTheAuthorizeHopAreTheUnusableLinkPage() {
        String first = secret("flow-one");
        String second = secret("flow-two");
        ExtractableResponse<Response> answer = given().redirects().follow(false).urlEncodingEnabled(false).when()
                .get("/api/integrations/authorize?flow=" + first + "&flow=" + second).then().extract();

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.header("Set-Cookie")).isNull();
        assertThat(answer.body().asString()).doesNotContain(first, second).doesNotContain(INTERNALS);
    }

    @Test
    @Order(21)
    void duplicatedQueryParametersOnApiRoutesChangeNothing() {
        String service = Tokens.forService("workflow-engine", SERVICE_ROLE);
        eachRoute(route -> !WITHOUT_BEARER.contains(route.path()) && route.takesBody(), (route, soft) -> {
            boolean internal = route.path().equals(INTERNAL_TOKEN);
            ExtractableResponse<Response> answer = given().urlEncodingEnabled(false).auth()
                    .oauth2(internal ? service : aliceToken).contentType(ownType(route))
                    .body("{\"unknown_field\":1}".getBytes(StandardCharsets.UTF_8)).when()
                    .request(route.method(), route.with((internal ? UUID.randomUUID() : aliceGmail).toString())
                            + "?connection_id=" + bobGmail + "&connection_id=" + aliceGmail + "&id=1&id=2")
                    .then().extract();
            expectProblem(soft, route + " with duplicated query parameters", answer, 400, 403, 404, 409, 415, 422);
        });
    }

    @Test
    @Order(22)
    void gmailSendRefusesLineBreaksInHeadersWithoutSendingAnything() {
        FakeGoogleApis google = new FakeGoogleApis(server);
        google.gmailSends("m-1", "t-1");
        String id = aliceGmail.toString();
        List<String> bodies = List.of(
                mail(id, List.of("bob@example.com\r\nBcc: evil@example.com"), "Hi", null, List.of()),
                mail(id, List.of("bob@example.com"), "Hi\r\nBcc: evil@example.com", null, List.of()),
                mail(id, List.of("bob@example.com"), "Hi\nBcc: evil@example.com", null, List.of()),
                mail(id, List.of("bob@example.com"), "Hi\rBcc: evil@example.com", null, List.of()),
                mail(id, List.of("bob@example.com"), "Hi\u0000there", null, List.of()),
                mail(id, List.of("\"Bob\r\nBcc: evil@example.com\" <bob@example.com>"), "Hi", null, List.of()),
                mail(id, List.of("bob@example.com"), "Hi", "alice@example.com\r\nBcc: evil@example.com", List.of()),
                json(Map.of("connection_id", id, "to", List.of("bob@example.com"), "cc",
                        List.of("carol@example.com\r\nBcc: evil@example.com"), "subject", "Hi", "text", "t")),
                json(Map.of("connection_id", id, "to", List.of("bob@example.com"), "bcc",
                        List.of("carol@example.com\nX-Injected: 1"), "subject", "Hi", "text", "t")),
                mail(id, List.of("bob@example.com"), "Hi", null, List.of(attachment("a.txt\r\nContent-Type: text/html"))),
                mail(id, List.of("bob@example.com"), "Hi", null,
                        List.of(Map.of("filename", "a.txt", "content_type", "text/plain\r\nX-Injected: 1",
                                "content_base64", "aGk="))));
        SoftAssertions soft = new SoftAssertions();
        bodies.forEach(body -> {
            ExtractableResponse<Response> answer = given().auth().oauth2(aliceToken).contentType("application/json")
                    .header("Idempotency-Key", UUID.randomUUID().toString()).body(body).when()
                    .post("/api/integrations/gmail/send").then().extract();
            expectProblem(soft, "gmail send " + body, answer, 400);
        });
        soft.assertAll();
        assertThat(google.gmailRequests()).isEmpty();
    }

    @Test
    @Order(23)
    void gmailSendRefusesPathsAndControlCharactersInAttachmentNames() {
        FakeGoogleApis google = new FakeGoogleApis(server);
        google.gmailSends("m-1", "t-1");
        SoftAssertions soft = new SoftAssertions();
        List.of("../../etc/passwd", "..\\..\\boot.ini", "dir/a.txt", "/etc/passwd", "..", ".", "a\u0000.txt",
                "a\u0007.txt", "a\u001b[31m.txt", "a\u007f.txt", "a\u0085.txt").forEach(filename -> {
                    ExtractableResponse<Response> answer = asAlice("/api/integrations/gmail/send", mail(aliceGmail.toString(),
                            List.of("bob@example.com"), "Hi", null, List.of(attachment(filename))));
                    expectProblem(soft, "attachment " + filename, answer, 400);
                });
        soft.assertAll();
        assertThat(google.gmailRequests()).isEmpty();
    }

    @Test
    @Order(24)
    void driveUploadRefusesPathsAndControlCharactersInFileNamesBeforeAnyCall() {
        FakeGoogleApis google = new FakeGoogleApis(server);
        RawHttp raw = new RawHttp(hub);
        SoftAssertions soft = new SoftAssertions();
        List.of("../../etc/passwd", "..\\\\..\\\\boot.ini", "dir/a.txt", "..", ".", "a\u0001.txt", "a\u007f.txt",
                "a\u0085.txt").forEach(filename -> {
                    byte[] asFileName = multipart(null, filename);
                    byte[] asNameField = multipart(filename, "report.txt");
                    for (byte[] form : List.of(asFileName, asNameField)) {
                        RawHttp.Answer answer = raw.send("POST /api/integrations/google_drive/files HTTP/1.1\r\n"
                                + "Authorization: Bearer " + aliceToken + "\r\n"
                                + "Content-Type: multipart/form-data; boundary=hostile\r\nContent-Length: " + form.length,
                                form);
                        expectProblem(soft, "drive file name " + filename, answer, 400, aliceToken);
                    }
                });
        soft.assertAll();
        assertThat(google.driveRequestCount()).isZero();
    }

    @Test
    @Order(25)
    void driveUploadRefusesMalformedFormsWith400() {
        RawHttp raw = new RawHttp(hub);
        SoftAssertions soft = new SoftAssertions();
        List.of("no boundary at all", "--hostile\r\n\r\nno headers\r\n--hostile--\r\n",
                "--hostile\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nnever ends",
                "--hostile\r\nContent-Disposition: form-data; name=\"\u0000\"\r\n\r\nx\r\n--hostile--\r\n",
                "--hostile\r\nContent-Disposition: form-data; name=\"secret_field\"\r\n\r\nx\r\n--hostile--\r\n")
                .forEach(form -> {
                    byte[] bytes = form.getBytes(StandardCharsets.UTF_8);
                    RawHttp.Answer answer = raw.send("POST /api/integrations/google_drive/files HTTP/1.1\r\n"
                            + "Authorization: Bearer " + aliceToken + "\r\n"
                            + "Content-Type: multipart/form-data; boundary=hostile\r\nContent-Length: " + bytes.length,
                            bytes);
                    expectProblem(soft, "drive form " + form, answer, 400, aliceToken);
                });
        soft.assertAll();
    }

    @Test
    @Order(26)
    void theTelegramWebhookRefusesForgedSecretsWith401WithoutReadingTheUpdate() {
        String real = FakeProviders.TELEGRAM_WEBHOOK_SECRET;
        String update = "{\"update_id\":1,\"message\":{\"text\":\"/start " + secret("start-code") + "\"}}";
        List<String> forged = List.of("", "wrong", real.substring(0, real.length() - 1), real + "x",
                real.toUpperCase(Locale.ROOT),
                real.substring(1), "x".repeat(10_000), "\u00e9" + real);
        SoftAssertions soft = new SoftAssertions();
        forged.forEach(presented -> {
            ExtractableResponse<Response> answer = given().header("X-Telegram-Bot-Api-Secret-Token", presented)
                    .contentType("application/json").body(update).when().post(WEBHOOK).then().extract();
            expectProblem(soft, "webhook secret " + presented.length() + " chars", answer, 401, real);
        });
        expectProblem(soft, "webhook without secret", given().contentType("application/json").body(update).when()
                .post(WEBHOOK).then().extract(), 401, real);
        expectProblem(soft, "webhook with two secrets", given().header("X-Telegram-Bot-Api-Secret-Token", "wrong")
                .header("X-Telegram-Bot-Api-Secret-Token", real).contentType("application/json").body(update).when()
                .post(WEBHOOK).then().extract(), 401, real);
        expectProblem(soft, "webhook with the bearer of a person", given().auth().oauth2(aliceToken)
                .contentType("application/json").body(update).when().post(WEBHOOK).then().extract(), 401, real);
        soft.assertAll();
    }

    @Test
    @Order(27)
    void confirmRefusesCodesThatAreNotIssuedWith404Or400() {
        SoftAssertions soft = new SoftAssertions();
        List.of(json(Map.of("confirmation", secret("guessed"))), json(Map.of("confirmation", "x".repeat(5000))),
                json(Map.of("confirmation", "abc\r\nX: y")), json(Map.of("confirmation", "' OR '1'='1")),
                json(Map.of("confirmation", "%")), json(Map.of("confirmation", "")), "{\"confirmation\":123}",
                "{\"confirmation\":null}", "{\"confirmation\":[\"a\"]}", "{\"confirmation\":{\"$ne\":null}}")
                .forEach(body -> expectProblem(soft, "confirm " + body, asAlice("/api/integrations/confirm", body), 400,
                        404));
        soft.assertAll();
    }

    @Test
    @Order(28)
    void patchRefusesHostileMetadataWith400() {
        SoftAssertions soft = new SoftAssertions();
        List.of("{\"metadata\":{\"default_chat_id\":\"1\\r\\nX: y\"}}", "{\"metadata\":{\"default_chat_id\":\"@../x\"}}",
                "{\"metadata\":{\"default_chat_id\":\"@" + "a".repeat(5000) + "\"}}",
                "{\"metadata\":{\"default_chat_id\":1e400}}", "{\"metadata\":{\"default_chat_id\":-1.5}}",
                "{\"metadata\":{\"default_chat_id\":\"1\",\"default_chat_id\":\"2\",\"x\":1}}",
                "{\"metadata\":{\"__proto__\":{}}}")
                .forEach(body -> expectProblem(soft, "patch " + body,
                        asAlice(new Route("PATCH", "/api/integrations/{id}", Set.of("application/json")),
                                aliceGmail, "application/json", body),
                        400));
        soft.assertAll();
    }

    @Test
    @Order(100)
    void theDatabaseIsByteForByteUnchangedByEveryHostileRequest() {
        Map<String, List<String>> after = DatabaseDump.settled(dataSource);

        assertThat(after.keySet()).isEqualTo(before.keySet());
        after.forEach((table, rows) -> assertThat(rows).as("rows of " + table).isEqualTo(before.get(table)));
    }

    @Test
    @Order(101)
    void aConfirmationCodeOfAnotherUserIsNotFoundAndTheAttemptAudited() {
        FakeOAuth google = FakeOAuth.google(server);
        google.revocationAnswers(200);
        String code = secret("4/code");
        String access = secret("ya29.held");
        google.grants(code, access, secret("1//held"), List.of("openid", "email", FakeOAuth.GMAIL_SEND,
                FakeOAuth.GMAIL_READONLY));
        google.account(access, "sub-" + UUID.randomUUID(), "mallory@example.com");
        Browser mallory = new Browser(ConnectionFixtures.newUser("mallory"));
        ExtractableResponse<Response> callback = mallory.returnFromProvider(Map.of("code", code, "state",
                mallory.openOAuthUrl(mallory.connect("gmail", null, null)).state()));
        String confirmation = Browser.confirmationIn(callback).orElseThrow();

        ExtractableResponse<Response> answer = asAlice("/api/integrations/confirm",
                json(Map.of("confirmation", confirmation)));

        expectProblem(null, "alice confirms mallory's code", answer, 404, confirmation);
        assertThat(auditedActionsOf(alice)).contains("connect.foreign_confirmation");
    }

    @Test
    @Order(102)
    void aPersonsBearerOnTheInternalTokenApiIsForbiddenAndTheRefusalAudited() {
        ExtractableResponse<Response> answer = given().auth().oauth2(aliceToken).when()
                .post(INTERNAL_TOKEN.replace("{id}", aliceGmail.toString())).then().extract();

        expectProblem(null, "alice on the internal token API", answer, 403, aliceToken);
        assertThat(auditedActionsOf(alice)).contains("token.refused");
    }

    private List<String> auditedActionsOf(String actor) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("select e.action from AuditEntry e where e.actor = ?1", String.class)
                .setParameter(1, actor).getResultList());
    }

    /** Checks every route the input applies to, collecting failures so that one run names every failing route. */
    private void eachRoute(Predicate<Route> applies, BiConsumer<Route, SoftAssertions> check) {
        List<Route> chosen = routes.stream().filter(applies).toList();
        assertThat(chosen).as("routes this input applies to").isNotEmpty();
        SoftAssertions soft = new SoftAssertions();
        chosen.forEach(route -> check.accept(route, soft));
        soft.assertAll();
    }

    private ExtractableResponse<Response> asAlice(Route route, UUID id, String contentType, String body) {
        return request(given().auth().oauth2(aliceToken), route, id, contentType, body);
    }

    private ExtractableResponse<Response> asAlice(String path, String body) {
        return given().auth().oauth2(aliceToken).contentType("application/json")
                .body(body.getBytes(StandardCharsets.UTF_8)).when().post(path).then().extract();
    }

    private static ExtractableResponse<Response> request(RequestSpecification given, Route route, UUID id,
            String contentType, String body) {
        RequestSpecification request = given.redirects().follow(false);
        if (route.takesBody()) {
            // as bytes: RestAssured would pretty-print a JSON string, slowly for a hostile one
            request = request.contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8));
        }
        return request.when().request(route.method(), route.with(id.toString())).then().extract();
    }

    /** A media type the route takes, so that the check under test is the one that answers. */
    private static String ownType(Route route) {
        return route.takesJson() || route.consumes().isEmpty() ? "application/json"
                : route.consumes().iterator().next() + "; boundary=hostile";
    }

    /** A body that is well-formed for the route, so that the check under test is the one that answers. */
    private static String body(Route route) {
        if (route.path().endsWith("/verify")) {
            return "{\"code\":\"123456\"}";
        }
        return route.method().equals("PATCH") ? "{\"metadata\":{\"default_chat_id\":\"-100123\"}}" : "{}";
    }

    private static void expectProblem(SoftAssertions soft, String what, ExtractableResponse<Response> answer,
            int status, String... secrets) {
        expectProblem(soft, what, answer.statusCode(), answer.contentType(), answer.body().asString(), new int[] { status },
                secrets);
    }

    private static void expectProblem(SoftAssertions soft, String what, ExtractableResponse<Response> answer,
            int status, int status2, int... more) {
        int[] statuses = new int[more.length + 2];
        statuses[0] = status;
        statuses[1] = status2;
        System.arraycopy(more, 0, statuses, 2, more.length);
        expectProblem(soft, what, answer.statusCode(), answer.contentType(), answer.body().asString(), statuses);
    }

    private static void expectProblem(SoftAssertions soft, String what, RawHttp.Answer answer, int status,
            String... secrets) {
        expectProblem(soft, what, answer.status(), answer.header("Content-Type"), answer.body(), new int[] { status },
                secrets);
    }

    private static void expectProblem(SoftAssertions given, String what, int status, String contentType, String body,
            int[] expected, String... secrets) {
        SoftAssertions soft = given == null ? new SoftAssertions() : given;
        soft.assertThat(status).as(what + ": status (" + abbreviate(body) + ")").isIn(boxed(expected));
        soft.assertThat(contentType).as(what + ": content type").startsWith("application/problem+json");
        soft.assertThat(body).as(what + ": body").contains("\"code\":\"").doesNotContain(INTERNALS);
        for (String secret : secrets) {
            soft.assertThat(body).as(what + ": body").doesNotContain(secret);
        }
        if (given == null) {
            soft.assertAll();
        }
    }

    /**
     * A body without a declared length that grew past its route's limit: Quarkus' request body stream answers 413
     * itself and closes the connection, before any exception mapper could write a problem; nothing is echoed.
     */
    private void expectTooLargeWithoutBody(SoftAssertions soft, String what, RawHttp.Answer answer) {
        soft.assertThat(answer.status()).as(what + ": status").isEqualTo(413);
        soft.assertThat(answer.body()).as(what + ": body").doesNotContain(aliceToken).doesNotContain("xxxx")
                .doesNotContain(INTERNALS);
    }

    /** A head the HTTP layer refuses: 431, answered before any route, with nothing of the request echoed. */
    private void expectRefusedHead(SoftAssertions soft, String what, ExtractableResponse<Response> answer) {
        soft.assertThat(answer.statusCode()).as(what + ": status").isEqualTo(431);
        soft.assertThat(answer.body().asString()).as(what + ": body").doesNotContain(aliceToken).doesNotContain("aaaa")
                .doesNotContain(INTERNALS);
    }

    private static Object[] boxed(int[] values) {
        return Arrays.stream(values).boxed().toArray();
    }

    private static String abbreviate(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }

    private static String json(Map<String, ?> body) {
        try {
            return new ObjectMapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String mail(String connectionId, List<String> to, String subject, String replyTo,
            List<Map<String, String>> attachments) {
        Map<String, Object> body = new HashMap<>(Map.of("connection_id", connectionId, "to", to, "subject",
                subject, "text", "Hello"));
        if (replyTo != null) {
            body.put("reply_to", replyTo);
        }
        if (!attachments.isEmpty()) {
            body.put("attachments", attachments);
        }
        return json(body);
    }

    private static Map<String, String> attachment(String filename) {
        return Map.of("filename", filename, "content_type", "text/plain",
                "content_base64", Base64.getEncoder().encodeToString("hi".getBytes(StandardCharsets.US_ASCII)));
    }

    /** A Drive upload form: the {@code name} field if given, then the file part with this file name. */
    private byte[] multipart(String name, String filename) {
        StringBuilder form = new StringBuilder("--hostile\r\nContent-Disposition: form-data; name=\"connection_id\"\r\n\r\n")
                .append(aliceDrive).append("\r\n");
        if (name != null) {
            form.append("--hostile\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n").append(name).append("\r\n");
        }
        form.append("--hostile\r\nContent-Disposition: form-data; name=\"file\"; filename=\"").append(filename)
                .append("\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--hostile--\r\n");
        return form.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Text and raw byte values in order, as one byte array. */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String text) {
                out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }
}
