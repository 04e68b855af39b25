package dev.integrationhub.activity.service;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.integrationhub.audit.RowsInsert;
import io.quarkus.hibernate.orm.panache.PanacheRepository;

/**
 * Activity entries. Pages are keyset queries on ({@code occurred_at}, {@code id}), newest first, each served by an
 * index range scan of {@code (user_id | connection_id, occurred_at DESC, id DESC)} that stops after the page: a page
 * costs the same on a short history and a long one ({@code bench/activity-plan.sh} shows the plans). The statements
 * are plain SQL, so the benchmark explains exactly what the service runs, and the refresh upsert (on the refresh hot
 * path) is not re-translated on every call.
 */
@ApplicationScoped
public class ActivityRepository implements PanacheRepository<ActivityEntry> {

    private static final String AFTER = " AND (occurred_at, id) < (:at, :id)";

    /** A person's entries across all their connections, from the start or after a cursor. */
    public static final String USER_FIRST_PAGE = page("user_id", "");
    public static final String USER_NEXT_PAGE = page("user_id", AFTER);
    /** One connection's entries, from the start or after a cursor. */
    public static final String CONNECTION_FIRST_PAGE = page("connection_id", "");
    public static final String CONNECTION_NEXT_PAGE = page("connection_id", AFTER);

    /**
     * A refresh: the connection's entry of that UTC day counts one more (and remembers when), or the day's entry is
     * written. One statement; the update touches no indexed column, so it is a HOT update in place. Nothing happens
     * for an id that is no connection.
     */
    private static final String COUNT_REFRESH = "INSERT INTO connection_activity AS a"
            + " (connection_id, user_id, occurred_at, kind, actor, details, refresh_day, count, last_at)"
            + " SELECT id, user_id, :at, 'refreshed', :actor, '{}'::jsonb, :day, 1, :at"
            + " FROM integration_tokens WHERE id = :connection"
            + " ON CONFLICT (connection_id, refresh_day) WHERE refresh_day IS NOT NULL"
            + " DO UPDATE SET count = a.count + 1, last_at = EXCLUDED.last_at";

    /**
     * A purge batch: the ids of the oldest entries, read in {@code occurred_at} order from its index, then deleted
     * by primary key. As an array, not {@code IN (subquery)}, which the planner may turn into a join over a scan of
     * the whole table.
     */
    public static final String PURGE = "DELETE FROM connection_activity WHERE id = ANY (ARRAY(SELECT id FROM"
            + " connection_activity WHERE occurred_at < :before ORDER BY occurred_at LIMIT :limit))";

    /**
     * Any number of entries in one insert, one array per column (the uses recorded together): PostgreSQL plans,
     * checks and runs one insert instead of one per entry. Their ids come from the column's default.
     */
    private static final String INSERT_ALL = "INSERT INTO connection_activity"
            + " (connection_id, user_id, occurred_at, kind, actor, details)"
            + " SELECT CAST(connection_id AS uuid), user_id, CAST(occurred_at AS timestamptz), kind, actor,"
            + " CAST(details AS jsonb) FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),"
            + " CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))"
            + " AS entry(connection_id, user_id, occurred_at, kind, actor, details)";

    private static final String FORGET_MAIL_DETAILS = "UPDATE connection_activity"
            + " SET details = details - 'recipients' - 'subject'"
            + " WHERE connection_id = :connection AND kind = 'gmail_sent'";

    /** Where a page starts: after this entry. */
    public record Position(Instant at, long id) {
    }

    private final ObjectMapper json;

    ActivityRepository(ObjectMapper json) {
        this.json = json;
    }

    /** A page's statement: the owner's entries (of a person or a connection), newest first. */
    private static String page(String ownerColumn, String after) {
        return "SELECT * FROM connection_activity WHERE " + ownerColumn + " = :owner" + after
                + " ORDER BY occurred_at DESC, id DESC LIMIT :limit";
    }

    /** Up to {@code limit} of the user's entries, newest first, after {@code after} if given. */
    public List<ActivityEntry> pageOfUser(String userId, Optional<Position> after, int limit) {
        return page(after.isPresent() ? USER_NEXT_PAGE : USER_FIRST_PAGE, userId, after, limit);
    }

    /** Up to {@code limit} of the connection's entries, newest first, after {@code after} if given. */
    public List<ActivityEntry> pageOfConnection(UUID connectionId, Optional<Position> after, int limit) {
        return page(after.isPresent() ? CONNECTION_NEXT_PAGE : CONNECTION_FIRST_PAGE, connectionId, after, limit);
    }

    @SuppressWarnings("unchecked")
    private List<ActivityEntry> page(String sql, Object owner, Optional<Position> after, int limit) {
        Query query = getEntityManager().createNativeQuery(sql, ActivityEntry.class).setParameter("owner", owner)
                .setParameter("limit", limit);
        after.ifPresent(position -> query.setParameter("at", position.at()).setParameter("id", position.id()));
        return query.getResultList();
    }

    /** The insert of new entries (not refresh counts), for one statement with others. */
    public RowsInsert insertOf(List<ActivityEntry> entries) {
        String[][] columns = new String[6][entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            ActivityEntry entry = entries.get(i);
            columns[0][i] = entry.connectionId.toString();
            columns[1][i] = entry.userId;
            columns[2][i] = entry.occurredAt.toString();
            columns[3][i] = entry.kind;
            columns[4][i] = entry.actor;
            columns[5][i] = toJson(entry.details);
        }
        return new RowsInsert(INSERT_ALL, List.of(columns));
    }

    private String toJson(Map<String, Object> details) {
        try {
            return json.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("activity details have no JSON form", e);
        }
    }

    /** Counts a refresh in the connection's entry of the day {@code at} falls on (UTC). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void countRefresh(UUID connectionId, Instant at, String actor) {
        getEntityManager().createNativeQuery(COUNT_REFRESH).setParameter("connection", connectionId)
                .setParameter("at", at).setParameter("actor", actor)
                .setParameter("day", LocalDate.ofInstant(at, ZoneOffset.UTC)).executeUpdate();
    }

    /** Drops the recipients and subject kept in the connection's {@code gmail_sent} entries. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forgetMailDetails(UUID connectionId) {
        getEntityManager().createNativeQuery(FORGET_MAIL_DETAILS).setParameter("connection", connectionId)
                .executeUpdate();
    }

    /**
     * Deletes up to {@code limit} entries older than {@code before}, oldest first, in a transaction of its own so
     * that a large purge never holds many locks at once.
     *
     * @return how many were deleted
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int purgeBatch(Instant before, int limit) {
        return getEntityManager().createNativeQuery(PURGE).setParameter("before", before).setParameter("limit", limit)
                .executeUpdate();
    }
}
