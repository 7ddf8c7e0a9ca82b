package dev.tasklane.ledger.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;

import dev.tasklane.http.ApiException;

/**
 * {@code limit}, {@code before} and {@code cursor} of a failure list, newest first ({@code failed_at} then id, both
 * descending): at most {@code limit} failures that failed before {@code before} (a time, optional) and come after
 * {@code cursor} (the {@code next_cursor} of the previous page, optional). Paging by the cursor neither skips nor
 * repeats a failure, even when many share one {@code failed_at}.
 */
public record Paging(int limit, OffsetDateTime before, Cursor after) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    /** The times PostgreSQL and RFC 3339 can both hold: years 0001 to 9999. */
    private static final OffsetDateTime EARLIEST = OffsetDateTime.parse("0001-01-01T00:00:00Z");

    private static final OffsetDateTime LATEST = OffsetDateTime.parse("9999-12-31T23:59:59.999999Z");

    /**
     * The last failure of a page, as {@code next_cursor} carries it: {@code <failed_at>_<id>}, for example
     * {@code 2026-11-30T14:03:27.123456Z_6f0c…}. Callers pass it back unchanged.
     */
    public record Cursor(OffsetDateTime failedAt, UUID id) {

        static Cursor parse(String text) {
            int separator = text.lastIndexOf('_');
            try {
                if (separator > 0) {
                    Instant failedAt = Instant.parse(text.substring(0, separator));
                    return new Cursor(
                            failedAt.atOffset(ZoneOffset.UTC), UUID.fromString(text.substring(separator + 1)));
                }
            } catch (DateTimeParseException | IllegalArgumentException e) {
                // reported below
            }
            throw ApiException.badField(
                    "cursor", "must be the next_cursor of the previous page, passed back unchanged", text);
        }

        @Override
        public String toString() {
            return failedAt.toInstant() + "_" + id;
        }
    }

    /** For lists that take a limit only. */
    public static int limit(String limit) {
        return parse(limit, null, null).limit();
    }

    public static Paging parse(String limit, String before, String cursor) {
        int parsedLimit = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                parsedLimit = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badField("limit", "must be a whole number from 1 to " + MAX_LIMIT, limit);
            }
            if (parsedLimit < 1 || parsedLimit > MAX_LIMIT) {
                throw ApiException.badField("limit", "must be from 1 to " + MAX_LIMIT + ", was " + parsedLimit);
            }
        }
        OffsetDateTime parsedBefore = null;
        if (before != null) {
            try {
                parsedBefore = OffsetDateTime.parse(before.trim());
            } catch (DateTimeParseException e) {
                throw ApiException.badField("before", "must be a time such as 2026-11-30T14:03:27Z", before);
            }
            if (parsedBefore.isBefore(EARLIEST) || parsedBefore.isAfter(LATEST)) {
                throw ApiException.badField("before", "must be a time between the years 0001 and 9999", before);
            }
        }
        return new Paging(parsedLimit, parsedBefore, cursor == null ? null : Cursor.parse(cursor.trim()));
    }
}
