package dev.tasklane.ledger.query;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import dev.tasklane.http.ApiException;

/**
 * {@code limit} and {@code before} of a list: at most {@code limit} failures that failed before {@code before},
 * newest first. The answer's {@code next_before} is the {@code before} of the next page.
 */
public record Paging(int limit, OffsetDateTime before) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    public static Paging parse(String limit, String before) {
        int parsedLimit = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                parsedLimit = Integer.parseInt(limit.trim());
            }
            catch (NumberFormatException e) {
                throw ApiException.badField("limit", "must be a whole number from 1 to " + MAX_LIMIT + ", was '" + limit + "'");
            }
            if (parsedLimit < 1 || parsedLimit > MAX_LIMIT) {
                throw ApiException.badField("limit", "must be from 1 to " + MAX_LIMIT + ", was " + parsedLimit);
            }
        }
        OffsetDateTime parsedBefore = null;
        if (before != null) {
            try {
                parsedBefore = OffsetDateTime.parse(before.trim());
            }
            catch (DateTimeParseException e) {
                throw ApiException.badField("before",
                        "must be a time such as 2026-11-30T14:03:27Z (the next_before of the previous page), was '" + before + "'");
            }
        }
        return new Paging(parsedLimit, parsedBefore);
    }
}
