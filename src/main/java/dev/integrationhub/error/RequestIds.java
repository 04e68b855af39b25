package dev.integrationhub.error;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Gives every API request an id (the caller's {@code X-Request-Id} when it is a plain token, else a new one), puts
 * it in the log context ({@code request_id}, a field of every JSON log line of the request) and answers it, so a
 * caller's report, the hub's log lines and a problem's {@code error_id} can be matched.
 */
public class RequestIds {

    static final String HEADER = "X-Request-Id";
    static final String LOG_KEY = "request_id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @ServerRequestFilter(preMatching = true)
    public void identify(ContainerRequestContext request) {
        String given = request.getHeaderString(HEADER);
        String id = given != null && ACCEPTED.matcher(given).matches() ? given : UUID.randomUUID().toString();
        request.setProperty(LOG_KEY, id);
        MDC.put(LOG_KEY, id);
    }

    @ServerResponseFilter
    public void answer(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(LOG_KEY);
        if (id != null) {
            response.getHeaders().putSingle(HEADER, id);
        }
        MDC.remove(LOG_KEY);
    }
}
