package dev.tasklane.worker;

import java.time.Duration;
import java.util.Arrays;

import com.zaxxer.hikari.HikariDataSource;
import dev.tasklane.testsupport.TestDatabase;
import dev.tasklane.testsupport.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a call pays for the shared budget: {@link RateBudget#take()} next to a bare {@code SELECT 1} round trip, on the
 * durable embedded PostgreSQL (fsync and synchronous commit on, as in production), with the table unlogged as the
 * schema makes it and, for comparison, logged. A quota far above the rate of the loop, so no call waits for its turn.
 * Run by {@code task-worker/benchmark.sh}; prints figures, checks nothing.
 */
public final class RateBudgetBenchmark {

    private static final int CALLS = 2000;

    private RateBudgetBenchmark() {}

    public static void main(String[] args) {
        TestDatabase database = TestPostgres.newDurableDatabase();
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(database.url());
            pool.setUsername(database.user());
            pool.setPassword(database.password());
            pool.setMaximumPoolSize(4);
            JdbcTemplate jdbc = new JdbcTemplate(pool);
            RateBudget budget = new RateBudget(
                    pool, "benchmark", "a-key", 100_000, Duration.ofSeconds(60), new SimpleMeterRegistry());
            for (int round = 1; round <= 2; round++) {
                System.out.println("round " + round + ", " + CALLS + " calls each after 200 to warm up:");
                report("SELECT 1", () -> jdbc.queryForObject("SELECT 1", Integer.class));
                report("take(), unlogged table", budget::take);
                jdbc.execute("ALTER TABLE rate_budgets SET LOGGED");
                report("take(), logged table", budget::take);
                jdbc.execute("ALTER TABLE rate_budgets SET UNLOGGED");
            }
        }
        System.exit(0);
    }

    private static void report(String what, Runnable call) {
        long[] nanos = new long[CALLS];
        for (int i = 0; i < 200; i++) {
            call.run();
        }
        for (int i = 0; i < CALLS; i++) {
            long started = System.nanoTime();
            call.run();
            nanos[i] = System.nanoTime() - started;
        }
        Arrays.sort(nanos);
        System.out.printf(
                "  %-24s median %.3f ms, p90 %.3f ms, p99 %.3f ms, mean %.3f ms%n",
                what,
                nanos[CALLS / 2] / 1e6,
                nanos[CALLS * 9 / 10] / 1e6,
                nanos[CALLS * 99 / 100] / 1e6,
                Arrays.stream(nanos).average().orElse(0) / 1e6);
    }
}
