package dev.integrationhub.activity;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.integrationhub.testsupport.Tokens;
import io.restassured.response.ValidatableResponse;

/** Reads activity through the API as the web app does, and makes token hand-outs, the cheapest entries to cause. */
final class ActivityClient {

    /** The platform service the hand-outs are made for. */
    static final String SERVICE = "workflow-engine";
    private static final String ROLE = "integration-hub-token-reader";

    private ActivityClient() {
    }

    /** A platform service takes the connection's access token {@code times} times: one entry each. */
    static void handOut(UUID connectionId, int times) {
        for (int i = 0; i < times; i++) {
            given().auth().oauth2(Tokens.forService(SERVICE, ROLE)).when()
                    .post("/api/internal/connections/{id}/access-token", connectionId).then().statusCode(200);
        }
    }

    /** The first page (newest first, up to 100 entries) of a connection's activity, as its owner. */
    static List<Map<String, Object>> entries(String user, UUID connectionId) {
        return of(user, connectionId, null, 100).statusCode(200).extract().path("entries");
    }

    /** The entries of the given kind in the first page. */
    static List<Map<String, Object>> entries(String user, UUID connectionId, String kind) {
        return entries(user, connectionId).stream().filter(entry -> kind.equals(entry.get("kind"))).toList();
    }

    /** The details of the only entry of the given kind. */
    static Map<String, Object> details(String user, UUID connectionId, String kind) {
        List<Map<String, Object>> ofKind = entries(user, connectionId, kind);
        if (ofKind.size() != 1) {
            throw new AssertionError("expected one " + kind + " entry, found " + entries(user, connectionId));
        }
        return detailsOf(ofKind.getFirst());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> detailsOf(Map<String, Object> entry) {
        return (Map<String, Object>) entry.get("details");
    }

    static ValidatableResponse of(String user, UUID connectionId, String cursor, Integer limit) {
        var request = given().auth().oauth2(Tokens.forUser(user));
        if (cursor != null) {
            request.queryParam("cursor", cursor);
        }
        if (limit != null) {
            request.queryParam("limit", limit);
        }
        return request.when().get("/api/integrations/{id}/activity", connectionId).then();
    }

    static ValidatableResponse all(String user, String cursor, Integer limit) {
        var request = given().auth().oauth2(Tokens.forUser(user));
        if (cursor != null) {
            request.queryParam("cursor", cursor);
        }
        if (limit != null) {
            request.queryParam("limit", limit);
        }
        return request.when().get("/api/integrations/activity").then();
    }
}
