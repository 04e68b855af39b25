package dev.integrationhub.activity.rest;

import java.util.List;

import dev.integrationhub.activity.service.ActivityService;

/**
 * A page of activity, newest first.
 *
 * @param nextCursor pass it as {@code cursor} for the next (older) page; {@code null} on the last page
 */
public record ActivityPage(List<ActivityEntryView> entries, String nextCursor) {

    public static ActivityPage of(ActivityService.Page page) {
        return new ActivityPage(page.entries().stream().map(ActivityEntryView::of).toList(),
                page.nextCursor().orElse(null));
    }
}
