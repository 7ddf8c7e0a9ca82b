package dev.tasklane.worker;

import java.util.Objects;

/**
 * The task cannot run now because what it needs is known to be down or busy (an open circuit breaker, a rate limit that
 * is used up): the record is kept, retried after a pause, and the task neither fails nor uses up its retries. Tasks thus
 * wait out an outage and resume when it ends, instead of all failing at once. The runner announces the wait as
 * {@code TaskWaiting} and, past the wait deadline, as a {@code TaskFailed} with code {@code WAIT_DEADLINE}; this
 * exception holds what a person is told there.
 */
public class WaitForRecovery extends RuntimeException {

    private final String source;
    private final String service;
    private final String ifItStaysDown;

    /**
     * @param source        what the task waits for, as a {@code TaskError} source: {@code google_maps}, {@code quo}
     * @param service       its business name, for a person: "Google Maps", "Quo"
     * @param message       for a person, in business words (no exception names, no secrets): what is down and that the
     *                      task runs by itself when it answers
     * @param ifItStaysDown what a person can do if it stays down, as the end of a sentence ("check …")
     */
    public WaitForRecovery(String source, String service, String message, String ifItStaysDown, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.source = Objects.requireNonNull(source, "source");
        this.service = Objects.requireNonNull(service, "service");
        this.ifItStaysDown = Objects.requireNonNull(ifItStaysDown, "ifItStaysDown");
    }

    public String source() {
        return source;
    }

    public String service() {
        return service;
    }

    public String ifItStaysDown() {
        return ifItStaysDown;
    }

    /** The {@link WaitForRecovery} that {@code failure} is or was caused by, or null when there is none. */
    public static WaitForRecovery in(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof WaitForRecovery waiting) {
                return waiting;
            }
        }
        return null;
    }
}
