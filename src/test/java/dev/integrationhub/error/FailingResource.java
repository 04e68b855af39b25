package dev.integrationhub.error;

import java.sql.SQLException;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.hibernate.exception.JDBCConnectionException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;

/**
 * Test-only endpoint (it lives in src/test): fails the way a bug would, to check the 500 answer, and the way an
 * unreachable database does, to check the 503.
 */
@Path("/api/test-support/failure")
public class FailingResource {

    static final String INTERNAL_DETAIL = "internal-detail-7f3a";

    @GET
    public String fail() {
        throw new IllegalStateException("Something broke: " + INTERNAL_DETAIL);
    }

    /** What Jackson throws when it cannot use one of the hub's own types: a bug of the hub, not of the request. */
    @GET
    @Path("json-definition")
    public String jsonDefinition() throws InvalidDefinitionException {
        throw InvalidDefinitionException.from((JsonParser) null, "No fallback setter for " + INTERNAL_DETAIL,
                (JavaType) null);
    }

    /** What Hibernate throws when the pool cannot open a connection to a database that is down. */
    @GET
    @Path("database")
    public String databaseDown() {
        throw new JDBCConnectionException("Unable to acquire JDBC Connection",
                new SQLException("Connection to localhost:5432 refused. " + INTERNAL_DETAIL, "08001"));
    }
}
