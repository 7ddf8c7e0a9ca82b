package dev.tasklane.worker;

import java.time.Duration;

/**
 * How far apart a worker's calls to a rate-limited API must be so that no one-second window, wherever it falls, holds
 * more than the instance's quota.
 *
 * <p>The workers limit their calls with a resilience4j rate limiter of one permit per refresh period. resilience4j
 * hands out permits per cycle, so a permit late in one cycle and one early in the next can be back to back: a window of
 * one second meets up to {@code ceil(1 s / period) + 1} cycles. A period of {@code 1.05 s / (floor(quota) - 1)} keeps
 * that at {@code floor(quota)}, with 50 ms to spare for the network. The average rate is then
 * {@code (floor(quota) - 1) / 1.05} per second: 8.6 of 10, 3.8 of 5, 46.7 of 50.
 */
public final class RequestSpacing {

    /** The smallest quota this can honour: with less, two permits could always land in one second. */
    public static final double MINIMUM_QUOTA = 2;

    private RequestSpacing() {
    }

    /** The refresh period of a one-permit rate limiter for {@code quotaPerSecond} (at least {@link #MINIMUM_QUOTA}). */
    public static Duration forQuota(double quotaPerSecond) {
        if (quotaPerSecond < MINIMUM_QUOTA) {
            throw new IllegalArgumentException("a quota of " + quotaPerSecond + " requests per second is below "
                    + MINIMUM_QUOTA);
        }
        return Duration.ofNanos((long) Math.ceil(1_050_000_000L / (Math.floor(quotaPerSecond) - 1)));
    }
}
