package dev.integrationhub.error;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.OptimisticLockException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.hibernate.validator.runtime.jaxrs.ResteasyReactiveViolationException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;

/**
 * Turns every exception that reaches the REST layer into an {@code application/problem+json} response. The
 * bodies are written here, from fixed texts and field names; an exception's own message never reaches the
 * caller, because it may hold input or a secret.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    /** How long a client should wait before it tries again while the database is out of reach. */
    private static final int DATABASE_RETRY_AFTER_SECONDS = 5;
    /** How Quarkus' request body stream reports a body past {@code io.quarkus.max-request-size}. */
    private static final String BODY_OVER_LIMIT = "Request too large";

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response.ResponseBuilder response = Response.status(e.problem().status()).type(Problem.MEDIA_TYPE)
                .entity(e.problem());
        e.retryAfter().ifPresent(delay -> response.header("Retry-After", Math.max(1, delay.toSeconds())));
        return response.build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Problem problem = switch (status) {
            // The JSON reader reports unparsable bodies as a 400 caused by the parser's exception.
            case 400 -> {
                if (causedBy(e, StreamConstraintsException.class)) {
                    yield Problem.of(400, "json_too_large", "JSON too large",
                            "The request JSON is nested too deeply or holds a string or number that is too long.");
                }
                yield causedBy(e, JsonProcessingException.class) ? malformedJsonProblem()
                        : Problem.of(400, "bad_request", "Bad request", "The request is malformed.");
            }
            case 401 -> unauthorizedProblem();
            case 403 -> forbiddenProblem();
            case 404 -> Problem.of(404, "not_found", "Not found", "There is no resource at this path.");
            case 405 -> Problem.of(405, "method_not_allowed", "Method not allowed",
                    "This resource does not support this HTTP method.");
            case 406 -> Problem.of(406, "not_acceptable", "Not acceptable",
                    "This resource cannot answer in any of the accepted media types.");
            case 413 -> payloadTooLarge();
            case 415 -> Problem.of(415, "unsupported_media_type", "Unsupported media type",
                    "This resource does not accept this Content-Type; send application/json.");
            default -> {
                if (status >= 500) {
                    yield logged(e);
                }
                yield Problem.of(status, "http_" + status, "HTTP " + status, "The request cannot be served.");
            }
        };
        Response response = respond(problem);
        return status == 401 ? withChallenge(response, null) : response;
    }

    /**
     * A body without a declared length that grew past its route's limit while it streamed in: the HTTP layer has
     * answered 413 and is closing the connection; this is the caller's doing, not an error of the hub.
     */
    @ServerExceptionMapper
    public Response streamFailed(IOException e, HttpServerRequest request) {
        if (BODY_OVER_LIMIT.equals(e.getMessage())) {
            LOG.debug("A request body without a declared length exceeded its route's limit");
            return request.response().ended() ? null : respond(payloadTooLarge());
        }
        return respond(logged(e));
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e) {
        return violations(e);
    }

    @ServerExceptionMapper
    public Response restConstraintViolation(ResteasyReactiveViolationException e) {
        return violations(e);
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        String field = fieldPath(e);
        return respond(Problem.of(400, "validation_failed", "Invalid request", "Unknown field " + field + ".")
                .withErrors(List.of(new Problem.FieldError(field, "is not a known field"))));
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        if (e.getPath().isEmpty()) {
            return respond(Problem.of(400, "malformed_json", "Malformed JSON",
                    "The request body does not have the expected JSON structure."));
        }
        String field = fieldPath(e);
        return respond(Problem.of(400, "validation_failed", "Invalid request", "Field " + field + " has the wrong type.")
                .withErrors(List.of(new Problem.FieldError(field, "has the wrong type"))));
    }

    /**
     * Jackson cannot use one of the hub's own types: a bug, not the caller's doing. Quarkus' own mapper for it would
     * answer a bare 500 without a body; this one answers like every unexpected error.
     */
    @ServerExceptionMapper
    public Response invalidDefinition(InvalidDefinitionException e) {
        return respond(logged(e));
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return withChallenge(respond(unauthorizedProblem()), null);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return withChallenge(respond(unauthorizedProblem()), "invalid_token");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(forbiddenProblem());
    }

    @ServerExceptionMapper
    public Response conflict(OptimisticLockException e) {
        return respond(Problem.of(409, "conflict", "Conflict",
                "The resource was changed by another request at the same time; read it again and retry."));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (DatabaseOutage.isCause(e)) {
            LOG.warnf("The database could not be reached: %s", e.getClass().getSimpleName());
            return Response.fromResponse(respond(Problem.of(503, "database_unavailable", "Database unavailable",
                    "The hub's database cannot be reached at the moment; nothing was changed. Try again shortly.")))
                    .header("Retry-After", DATABASE_RETRY_AFTER_SECONDS).build();
        }
        return respond(logged(e));
    }

    static Problem unauthorizedProblem() {
        return Problem.of(401, "unauthorized", "Unauthorized",
                "A valid bearer token from the platform's identity provider is required.");
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static Problem malformedJsonProblem() {
        return Problem.of(400, "malformed_json", "Malformed JSON", "The request body is not valid JSON.");
    }

    static Problem payloadTooLarge() {
        return Problem.of(413, "payload_too_large", "Payload too large", "The request body exceeds the size limit.");
    }

    private static Problem forbiddenProblem() {
        return Problem.of(403, "forbidden", "Forbidden", "The caller is not allowed to do this.");
    }

    /** Logs an unexpected error under a fresh id and answers with that id only. */
    static Problem logged(Throwable e) {
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error %s", errorId);
        return Problem.of(500, "internal_error", "Internal error",
                "The request failed unexpectedly; quote the error id when you report it.").withErrorId(errorId);
    }

    private Response violations(ConstraintViolationException e) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> violation : e.getConstraintViolations()) {
            String field = fieldPath(violation.getPropertyPath());
            if (field == null) {
                return respond(logged(e));
            }
            errors.add(new Problem.FieldError(field, violation.getMessage()));
        }
        return respond(validationFailed(errors));
    }

    static Problem validationFailed(List<Problem.FieldError> fieldErrors) {
        List<Problem.FieldError> errors = new ArrayList<>(fieldErrors);
        errors.sort((a, b) -> a.field().compareTo(b.field()));
        String detail = "Invalid " + String.join(", ", errors.stream().map(Problem.FieldError::field).distinct().toList())
                + ".";
        return Problem.of(400, "validation_failed", "Invalid request", detail).withErrors(errors);
    }

    /**
     * The request-side name of a violated field: the bean properties below the method parameter, in the JSON
     * (snake_case) spelling, or the parameter's own name. {@code null} for a violation of a return value,
     * which is the server's fault.
     */
    private static String fieldPath(Path path) {
        List<String> properties = new ArrayList<>();
        String parameter = null;
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.RETURN_VALUE) {
                return null;
            }
            if (node.getKind() == ElementKind.PARAMETER) {
                parameter = node.getName();
            } else if (node.getKind() == ElementKind.PROPERTY || node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                properties.add(snakeCase(node.getName()));
            }
        }
        return properties.isEmpty() ? parameter : String.join(".", properties);
    }

    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(truncate(reference.getFieldName()));
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(body)" : path.toString();
    }

    /** Field names in problems come from the request: keep them short. */
    private static String truncate(String name) {
        return name.length() <= 64 ? name : name.substring(0, 64) + "…";
    }

    private static String snakeCase(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static Response withChallenge(Response response, String error) {
        String challenge = error == null ? "Bearer" : "Bearer error=\"" + error + "\"";
        return Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, challenge).build();
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
