package dev.integrationhub.sandbox.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/**
 * The last {@code hub.sandbox.max-items} things the sandbox received (mails, files, bot messages), for its console:
 * a sandbox left running keeps bounded memory, the oldest item is dropped for each new one and the dropped ones are
 * counted.
 */
public final class RecentItems<T> {

    /** What the console shows: the items kept, newest first, and how many older ones were dropped. */
    public record Listing<T>(List<T> newestFirst, long dropped) {
    }

    private final Deque<T> items = new ArrayDeque<>();
    private final int maxItems;
    private long dropped;

    RecentItems(int maxItems) {
        this.maxItems = maxItems;
    }

    synchronized void add(T item) {
        if (items.size() == maxItems) {
            items.removeFirst();
            dropped++;
        }
        items.addLast(item);
    }

    synchronized Listing<T> listing() {
        return new Listing<>(List.copyOf(items.reversed()), dropped);
    }

    /** The items kept that match, oldest first. */
    synchronized List<T> oldestFirst(Predicate<T> matching) {
        List<T> found = new ArrayList<>();
        items.stream().filter(matching).forEach(found::add);
        return found;
    }
}
