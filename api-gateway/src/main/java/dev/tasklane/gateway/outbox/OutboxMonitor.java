package dev.tasklane.gateway.outbox;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.tasklane.gateway.system.GatewayProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * How far behind the relay is: rows waiting and the age of the oldest, as gauges
 * ({@code tasklane_outbox_backlog}, {@code tasklane_outbox_oldest_age_seconds}) and as the {@code outbox} health
 * component, which reports {@code STUCK} when the oldest row is older than {@code tasklane.gateway.outbox.stuck-after}
 * (Kafka unreachable for that long). A stuck outbox does not take the gateway out of service: requests keep being
 * answered and queued.
 */
@Component("outboxHealthIndicator")
class OutboxMonitor implements HealthIndicator {

    /** Reported while rows wait longer than the threshold; answers 200 like UP. */
    static final Status STUCK =
            new Status("STUCK", "Events are waiting longer than the threshold: is Kafka reachable?");

    private record Backlog(long rows, double oldestAgeSeconds) {}

    private static final Log LOG = LogFactory.getLog(OutboxMonitor.class);

    private final JdbcTemplate jdbc;
    private final Duration stuckAfter;
    private final AtomicReference<Backlog> latest = new AtomicReference<>(new Backlog(0, 0));

    OutboxMonitor(JdbcTemplate jdbc, GatewayProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.stuckAfter = properties.outbox().stuckAfter();
        Gauge.builder(
                        "tasklane.outbox.backlog",
                        latest,
                        backlog -> backlog.get().rows())
                .description("Events in the outbox not yet acknowledged by Kafka")
                .register(meters);
        Gauge.builder(
                        "tasklane.outbox.oldest.age",
                        latest,
                        backlog -> backlog.get().oldestAgeSeconds())
                .baseUnit("seconds")
                .description("Age of the oldest event waiting in the outbox")
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${tasklane.gateway.outbox.monitor-interval:5s}")
    void refresh() {
        try {
            latest.set(measure());
        } catch (DataAccessException unreachable) {
            // the relay and the health check say so; the gauges keep the last figures until the database is back
            LOG.debug("Outbox backlog not measured: " + unreachable.getMessage());
        }
    }

    private Backlog measure() {
        Map<String, Object> row = jdbc.queryForMap("SELECT count(*) AS rows, "
                + "coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age FROM outbox");
        return new Backlog(((Number) row.get("rows")).longValue(), ((Number) row.get("age")).doubleValue());
    }

    @Override
    public Health health() {
        Backlog backlog = measure();
        latest.set(backlog);
        boolean stuck = backlog.oldestAgeSeconds() > stuckAfter.toSeconds();
        return Health.status(stuck ? STUCK : Status.UP)
                .withDetail("backlog", backlog.rows())
                .withDetail("oldest_age_seconds", Math.round(backlog.oldestAgeSeconds()))
                .withDetail("stuck_after_seconds", stuckAfter.toSeconds())
                .build();
    }
}
