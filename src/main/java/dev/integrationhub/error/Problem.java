package dev.integrationhub.error;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An RFC 9457 problem detail, the body of every error response ({@code application/problem+json}).
 *
 * @param type stable URI of the problem kind ({@code urn:integration-hub:problem:<code>})
 * @param title short summary of the problem kind
 * @param status the HTTP status
 * @param detail what went wrong in this request, for a person; never a secret, class name or stack trace
 * @param code stable machine-readable code, the last part of {@code type}
 * @param errors the invalid fields, for validation problems
 * @param errorId the id under which an unexpected error was logged
 * @param connections the connections the caller may choose from, when a request fits several
 */
@RegisterForReflection // every error mapper answers it as a Response entity
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code, List<FieldError> errors,
        String errorId, List<ConnectionChoice> connections) {

    public static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_PREFIX = "urn:integration-hub:problem:";

    public static Problem of(int status, String code, String title, String detail) {
        return new Problem(TYPE_PREFIX + code, title, status, detail, code, null, null, null);
    }

    Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, code, fieldErrors, errorId, connections);
    }

    Problem withErrorId(String id) {
        return new Problem(type, title, status, detail, code, errors, id, connections);
    }

    Problem withConnections(List<ConnectionChoice> options) {
        return new Problem(type, title, status, detail, code, errors, errorId, List.copyOf(options));
    }

    /**
     * One invalid field.
     *
     * @param field the field's path in the request, e.g. {@code metadata.default_chat_id}
     * @param message what is wrong with it
     */
    public record FieldError(String field, String message) {
    }

    /**
     * One of several connections a request could mean.
     *
     * @param id what to send as {@code connection_id} to choose it
     * @param account its account, for a person to recognise
     */
    public record ConnectionChoice(String id, String account) {
    }
}
