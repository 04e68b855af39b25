package dev.integrationhub.activity.service;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.integrationhub.activity.service.ActivityRepository.Position;
import dev.integrationhub.config.HubConfig;
import dev.integrationhub.connection.ConnectionRepository;
import dev.integrationhub.error.Problem;
import dev.integrationhub.error.ProblemException;

/**
 * Reads a person's activity, a page at a time: of one of their connections (a disconnected one included: its
 * history stays theirs until retention), or of all of them. Another user's connection is 404, like one that does
 * not exist.
 */
@ApplicationScoped
public class ActivityService {

    /** The largest page. */
    public static final int MAX_LIMIT = 100;
    private static final String ALL = "all";

    /**
     * One page, newest first.
     *
     * @param nextCursor where the next page starts; empty on the last page
     */
    public record Page(List<ActivityEntry> entries, Optional<String> nextCursor) {
    }

    private final ActivityRepository entries;
    private final ConnectionRepository connections;
    private final int defaultLimit;

    ActivityService(ActivityRepository entries, ConnectionRepository connections, HubConfig config) {
        this.entries = entries;
        this.connections = connections;
        this.defaultLimit = config.activity().defaultPageSize();
    }

    /**
     * @throws ProblemException 404 for a connection the user does not own; 400 for a bad cursor or limit
     */
    @Transactional
    public Page ofConnection(String userId, UUID connectionId, String cursor, String limit) {
        int size = limit(limit);
        Optional<Position> after = ActivityCursor.parse(connectionId.toString(), cursor);
        if (!connections.isOwnedBy(connectionId, userId)) {
            throw ProblemException.notFound("You have no connection with this id.");
        }
        return page(connectionId.toString(), entries.pageOfConnection(connectionId, after, size + 1), size);
    }

    /** @throws ProblemException 400 for a bad cursor or limit */
    @Transactional
    public Page ofUser(String userId, String cursor, String limit) {
        int size = limit(limit);
        Optional<Position> after = ActivityCursor.parse(ALL, cursor);
        return page(ALL, entries.pageOfUser(userId, after, size + 1), size);
    }

    /** The page of {@code size} from one entry more than that, which tells whether another page follows. */
    private static Page page(String listing, List<ActivityEntry> fetched, int size) {
        if (fetched.size() <= size) {
            return new Page(fetched, Optional.empty());
        }
        List<ActivityEntry> page = fetched.subList(0, size);
        return new Page(List.copyOf(page), Optional.of(ActivityCursor.after(listing, page.getLast())));
    }

    private int limit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return defaultLimit;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below, like a number out of range
        }
        throw ProblemException.invalid(List.of(new Problem.FieldError("limit",
                "must be a whole number from 1 to " + MAX_LIMIT)));
    }
}
