package dev.tasklane.worker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The request budget of one API key, shared by every instance of a worker through PostgreSQL, so that N instances
 * together never call faster than the key's quota, however many there are and whoever joins or leaves.
 *
 * <p>The key has one row in {@code rate_budgets}: the moment the next call may be made. Each call takes it with one
 * atomic upsert (one round trip, no transaction of its own: it never joins the caller's) that moves the row one
 * {@link RequestSpacing} on, then sleeps until its moment, in the database's clock, so instances never compare their
 * own clocks. A call that wakes too late (a busy machine, a pause) gives its moment up and takes a new one rather than
 * crowd the calls after it; see {@link RequestSpacing#SLACK}. When the key's moments are taken for longer than
 * {@code maxWait} ahead, {@link #take} throws {@link UsedUp} at once: the task waits through {@link WaitForRecovery}
 * as for an open circuit.
 */
public class RateBudget {

    private static final Log LOG = LogFactory.getLog(RateBudget.class);

    /** The moment granted (next_at less one spacing) and the database's clock, both in microseconds since 1970. */
    private static final String TAKE = """
            INSERT INTO rate_budgets AS budget (name, next_at)
            VALUES (?, clock_timestamp() + ? * interval '1 microsecond')
            ON CONFLICT (name) DO UPDATE
                SET next_at = greatest(budget.next_at, clock_timestamp()) + ? * interval '1 microsecond'
                WHERE budget.next_at <= clock_timestamp() + ? * interval '1 microsecond'
            RETURNING (extract(epoch FROM budget.next_at) * 1000000)::bigint - ?,
                      (extract(epoch FROM clock_timestamp()) * 1000000)::bigint""";

    private final DataSource dataSource;
    private final String api;
    private final String name;
    private final double quotaPerSecond;
    private final long spacingMicros;
    private final long maxWaitMicros;
    private final long allowedLatenessNanos;
    private final Timer waits;
    private final Counter late;
    private final Counter usedUp;

    /**
     * @param api            what is called, as a metric tag and the start of the row's name: {@code quo},
     *                       {@code google-distance-matrix}
     * @param apiKey         the key whose quota this is; only a fingerprint of it is stored
     * @param quotaPerSecond the key's whole quota (at least {@link RequestSpacing#MINIMUM_QUOTA}), not an instance's
     * @param maxWait        the longest a call waits for its moment before the task waits instead
     */
    public RateBudget(
            DataSource dataSource,
            String api,
            String apiKey,
            double quotaPerSecond,
            Duration maxWait,
            MeterRegistry meters) {
        this.dataSource = dataSource;
        this.api = api;
        this.name = api + ":" + fingerprint(apiKey);
        this.quotaPerSecond = quotaPerSecond;
        this.spacingMicros = TimeUnit.NANOSECONDS.toMicros(
                        RequestSpacing.forQuota(quotaPerSecond).toNanos())
                + 1;
        this.maxWaitMicros = TimeUnit.NANOSECONDS.toMicros(maxWait.toNanos());
        // a third of the slack is checked here; the rest is for the way from here to the API, which cannot be seen
        this.allowedLatenessNanos = RequestSpacing.SLACK.toNanos() / 3;
        this.waits = Timer.builder("tasklane.worker.rate_budget.wait")
                .tag("api", api)
                .description("How long calls waited for their moment in the key's shared budget")
                .register(meters);
        this.late = Counter.builder("tasklane.worker.rate_budget.late")
                .tag("api", api)
                .description("Moments given up because the call woke too late to keep the key's quota")
                .register(meters);
        this.usedUp = Counter.builder("tasklane.worker.rate_budget.used_up")
                .tag("api", api)
                .description("Calls turned back because the key's budget was taken too far ahead")
                .register(meters);
        LOG.info("Calls to " + api + " share the key's budget of " + quotaPerSecond + " requests per second with every "
                + "instance, through the database (rate_budgets '" + name + "'): one call every "
                + spacingMicros / 1000.0 + " ms");
    }

    /** The row of the key: the API and the first 16 hex digits of the key's SHA-256, which do not reveal the key. */
    public String name() {
        return name;
    }

    /**
     * Waits for this call's moment in the key's budget and returns it (in the database's clock); the call should be
     * made at once.
     *
     * @throws UsedUp when the budget is taken for longer than {@code maxWait} ahead
     */
    public Instant take() {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MICROSECONDS.toNanos(maxWaitMicros);
        try {
            while (true) {
                long asked = System.nanoTime();
                long[] moment = nextMoment();
                if (moment == null) {
                    usedUp.increment();
                    throw new UsedUp(api, quotaPerSecond);
                }
                long waitNanos = TimeUnit.MICROSECONDS.toNanos(Math.max(0, moment[0] - moment[1]));
                // the database's clock read the moment no earlier than we asked: waking at answered + wait is never
                // early
                long wake = System.nanoTime() + waitNanos;
                for (long left = waitNanos; left > 0; left = wake - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                    if (Thread.interrupted()) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(
                                "Interrupted while waiting for a moment of the " + api + " budget");
                    }
                }
                long lateness = System.nanoTime() - (asked + waitNanos);
                if (lateness <= allowedLatenessNanos) {
                    return Instant.EPOCH.plus(moment[0], java.time.temporal.ChronoUnit.MICROS);
                }
                late.increment();
                if (System.nanoTime() - deadline > 0) {
                    usedUp.increment();
                    throw new UsedUp(api, quotaPerSecond);
                }
            }
        } finally {
            waits.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /** {granted, now} in microseconds of the database's clock, or null when the budget is taken too far ahead. */
    private long[] nextMoment() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(TAKE)) {
            statement.setString(1, name);
            statement.setLong(2, spacingMicros);
            statement.setLong(3, spacingMicros);
            statement.setLong(4, maxWaitMicros);
            statement.setLong(5, spacingMicros);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? new long[] {row.getLong(1), row.getLong(2)} : null;
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                throw new IllegalStateException(
                        "The database has no rate_budgets table, which the workers share "
                                + "their API quota through: run './tasklane migrate' (or java -jar schema-exec.jar --url=…) "
                                + "and start the worker again.",
                        e);
            }
            throw new DataAccessResourceFailureException(
                    "Could not take a moment of the " + api + " budget from the " + "database: " + e.getMessage(), e);
        }
    }

    private static String fingerprint(String apiKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * The key's budget is taken for longer than the worker waits for a call: the task waits (a
     * {@link WaitForRecovery}) and runs when it comes round again.
     */
    public static class UsedUp extends RuntimeException {

        public UsedUp(String api, double quotaPerSecond) {
            super("The " + api + " budget of " + quotaPerSecond + " requests per second is taken for the moment");
        }
    }
}
