package dev.tasklane.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.tasklane.testsupport.TestDatabase;
import dev.tasklane.testsupport.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Several instances of a worker (a budget object each, as each process has its own) sharing one key's budget through a
 * real PostgreSQL. What is checked is the moments granted, in the database's clock, not when this busy machine got
 * round to noticing them.
 */
class RateBudgetIntegrationTests {

    private static final String KEY = "the-key-7f3a9c-never-stored";

    private final TestDatabase database = TestPostgres.newDatabase();
    private final HikariDataSource pool = pool(database);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        pool.close();
    }

    private static HikariDataSource pool(TestDatabase database) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(database.url());
        pool.setUsername(database.user());
        pool.setPassword(database.password());
        pool.setMaximumPoolSize(8);
        return pool;
    }

    private RateBudget anInstance(DataSource dataSource, String key, double quota, Duration maxWait) {
        return new RateBudget(dataSource, "quo", key, quota, maxWait, meters);
    }

    @Test
    void threeInstancesAtTheWholeQuotaEachTogetherStayWithinIt() throws Exception {
        double quota = 20;
        List<RateBudget> instances = List.of(
                anInstance(pool, KEY, quota, Duration.ofSeconds(30)),
                anInstance(pool, KEY, quota, Duration.ofSeconds(30)),
                anInstance(pool, KEY, quota, Duration.ofSeconds(30)));
        List<Instant> moments = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Void>> callers = new ArrayList<>();
            for (RateBudget instance : instances) {
                for (int thread = 0; thread < 2; thread++) {
                    callers.add(() -> {
                        for (int call = 0; call < 8; call++) {
                            moments.add(instance.take());
                        }
                        return null;
                    });
                }
            }
            for (Future<Void> caller : threads.invokeAll(callers)) {
                caller.get();
            }
        } finally {
            threads.shutdownNow();
        }

        List<Instant> sorted = moments.stream().sorted().toList();
        assertThat(sorted).hasSize(48).doesNotHaveDuplicates();
        Duration spacing = RequestSpacing.forQuota(quota);
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(Duration.between(sorted.get(i - 1), sorted.get(i)))
                    .as("between moments %d and %d", i - 1, i)
                    .isGreaterThanOrEqualTo(spacing);
        }
        for (int i = 20; i < sorted.size(); i++) {
            assertThat(Duration.between(sorted.get(i - 20), sorted.get(i)))
                    .as("21 calls in a row")
                    .isGreaterThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void whenTheBudgetIsTakenFurtherAheadThanACallWaitsTheCallIsTurnedBackAtOnce() {
        anInstance(pool, KEY, 2, Duration.ofSeconds(10)).take();
        RateBudget impatient = anInstance(pool, KEY, 2, Duration.ZERO);

        assertThatThrownBy(impatient::take)
                .isInstanceOf(RateBudget.UsedUp.class)
                .hasMessage("The quo budget of 2.0 requests per second is taken for the moment");
        assertThat(meters.get("tasklane.worker.rate_budget.used_up").counter().count())
                .isEqualTo(1);
        assertThat(WaitForRecovery.in(new RateBudget.UsedUp("quo", 2)))
                .as("not a wait by itself: the handler says " + "what waits")
                .isNull();
    }

    @Test
    void eachKeyHasABudgetOfItsOwnNamedByAFingerprintThatDoesNotRevealIt() {
        RateBudget first = anInstance(pool, KEY, 2, Duration.ofSeconds(10));
        RateBudget second = anInstance(pool, "another-key", 2, Duration.ofSeconds(10));
        Instant firstMoment = first.take();
        Instant secondMoment = second.take();

        assertThat(secondMoment)
                .as("the other key's moment, not after the first key's next one")
                .isBefore(firstMoment.plus(RequestSpacing.forQuota(2)));
        List<String> names =
                new JdbcTemplate(pool).queryForList("SELECT name FROM rate_budgets ORDER BY name", String.class);
        assertThat(names)
                .containsExactlyInAnyOrder(first.name(), second.name())
                .allSatisfy(name -> assertThat(name)
                        .startsWith("quo:")
                        .hasSize("quo:".length() + 16)
                        .doesNotContain(KEY)
                        .doesNotContain("another-key"));
    }

    @Test
    void aDatabaseWithoutTheTableSaysToMigrate() {
        new JdbcTemplate(pool).execute("DROP TABLE rate_budgets");

        assertThatThrownBy(() -> anInstance(pool, KEY, 10, Duration.ZERO).take())
                .hasMessageContaining("no rate_budgets table")
                .hasMessageContaining("./tasklane migrate");
    }
}
