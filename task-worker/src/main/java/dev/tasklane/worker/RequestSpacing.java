package dev.tasklane.worker;

import java.time.Duration;

/**
 * How far apart the calls made with one API key must be so that no one-second window, wherever it falls, holds more
 * than the key's quota, even when a call reaches the API later than its moment.
 *
 * <p>Every instance takes its calls' moments from one sequence per key ({@link RateBudget}), exactly one period apart.
 * With a period of {@code (1 s + SLACK) / floor(quota)}, any {@code floor(quota) + 1} consecutive calls span
 * {@code 1 s + SLACK}: a call may reach the API up to {@link #SLACK} later than its moment (more than the call after
 * it) before a sliding second can hold one call too many. The average rate is {@code floor(quota) / 1.3} per second
 * for the key, whatever the number of instances: 7.7 of 10, 38.5 of 50.
 */
public final class RequestSpacing {

    /** The smallest quota this can honour: a quota below 2 requests a second is not worth sharing. */
    public static final double MINIMUM_QUOTA = 2;

    /**
     * How much later than its moment a call may reach the API. Measured on a two-CPU machine starting a third worker
     * in the same JVM, calls reached the simulator up to 295 ms after their moment, so 300 ms; across a network from
     * machines of their own the delays are smaller and the room is what keeps the budget exact.
     */
    public static final Duration SLACK = Duration.ofMillis(300);

    private RequestSpacing() {}

    /** The time between two calls of a key whose quota is {@code quotaPerSecond} (at least {@link #MINIMUM_QUOTA}). */
    public static Duration forQuota(double quotaPerSecond) {
        if (quotaPerSecond < MINIMUM_QUOTA) {
            throw new IllegalArgumentException(
                    "a quota of " + quotaPerSecond + " requests per second is below " + MINIMUM_QUOTA);
        }
        return Duration.ofNanos((long) Math.ceil((1_000_000_000L + SLACK.toNanos()) / Math.floor(quotaPerSecond)));
    }
}
