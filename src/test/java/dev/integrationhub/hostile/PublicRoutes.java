package dev.integrationhub.hostile;

import static io.restassured.RestAssured.given;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The hub's public HTTP routes as the running service publishes them in its OpenAPI document (management port),
 * so that a test iterating them covers an endpoint added later without being told. Routes of the dev-mode sandbox
 * (off in tests and in every packaged service, where they are all 404) and the test-only resources are left out.
 */
final class PublicRoutes {

    private static final List<String> NOT_PUBLIC = List.of("/sandbox", "/upload/", "/api/test-support/");
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    private PublicRoutes() {
    }

    /**
     * One operation of the API.
     *
     * @param method the HTTP method, upper case
     * @param path the path template, e.g. {@code /api/integrations/{id}}
     * @param consumes the media types of its request body; empty if it takes none
     */
    record Route(String method, String path, Set<String> consumes) {

        boolean takesJson() {
            return consumes.contains("application/json");
        }

        boolean takesBody() {
            return !consumes.isEmpty() || method.equals("POST") || method.equals("PATCH");
        }

        /** Whether it reads its body as raw bytes of any media type (and so has none to refuse). */
        boolean takesAnyType() {
            return consumes.contains("*/*") || consumes.contains("application/octet-stream");
        }

        boolean hasId() {
            return path.contains("{id}");
        }

        /** The path with {@code id} in place of the template's {@code {id}}. */
        String with(String id) {
            return path.replace("{id}", id);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** The routes of the service whose management interface is at {@code management}. */
    @SuppressWarnings("unchecked")
    static List<Route> of(URL management) {
        Map<String, Map<String, Object>> paths = given().port(management.getPort()).accept("application/json")
                .when().get("/q/openapi").then().statusCode(200).extract().jsonPath().getMap("paths");
        List<Route> routes = new ArrayList<>();
        paths.forEach((path, operations) -> {
            if (NOT_PUBLIC.stream().noneMatch(path::startsWith)) {
                operations.forEach((method, operation) -> {
                    if (METHODS.contains(method)) {
                        Map<String, Object> body = (Map<String, Object>) ((Map<String, Object>) operation).get("requestBody");
                        Set<String> consumes = body == null ? Set.of()
                                : ((Map<String, Object>) body.get("content")).keySet();
                        routes.add(new Route(method.toUpperCase(Locale.ROOT), path, Set.copyOf(consumes)));
                    }
                });
            }
        });
        return List.copyOf(routes);
    }
}
