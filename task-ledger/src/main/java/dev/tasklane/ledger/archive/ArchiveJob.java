package dev.tasklane.ledger.archive;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

import dev.tasklane.ledger.projection.FailureInbox;
import dev.tasklane.ledger.system.LedgerProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves tasks finished more than 7 days ago into {@code background_tasks_archive}, every night and on an admin's
 * request. With several ledger instances only one runs it at a time: the run holds a PostgreSQL advisory lock, and
 * an instance that cannot take it skips.
 */
@Component
public class ArchiveJob {

    /** The advisory lock key of the archive run ("tasklane-archive" as a number). */
    static final long LOCK_KEY = 0x7461736b61726368L;

    private static final Log LOG = LogFactory.getLog(ArchiveJob.class);

    private final DataSource dataSource;
    private final LedgerProperties.Archive settings;
    private final SlackNotifier slack;
    private final Counter archived;
    private final AtomicLong lastSuccess = new AtomicLong(Instant.now().getEpochSecond());
    private final FailureInbox inbox;
    private final TransactionTemplate transactions;

    ArchiveJob(
            DataSource dataSource,
            LedgerProperties properties,
            SlackNotifier slack,
            MeterRegistry meters,
            FailureInbox inbox,
            TransactionTemplate transactions) {
        this.dataSource = dataSource;
        this.inbox = inbox;
        this.transactions = transactions;
        this.settings = properties.archive();
        this.slack = slack;
        this.archived = Counter.builder("tasklane.ledger.archived")
                .description("Tasks moved to the archive")
                .register(meters);
        Gauge.builder("tasklane.ledger.archive.last.success", lastSuccess, AtomicLong::get)
                .description(
                        "When this instance last ran the archive to the end (epoch seconds; its start until then): "
                                + "the alert TasklaneArchiveNotRun watches the newest of every instance's")
                .baseUnit("seconds")
                .register(meters);
    }

    /** The result of one run: how many tasks moved, or that another instance was already running it. */
    public record Outcome(boolean ran, int archived) {}

    @Scheduled(cron = "${tasklane.ledger.archive.cron:0 0 3 * * *}", zone = "${tasklane.ledger.archive.zone:UTC}")
    void nightly() {
        run();
    }

    public Outcome run() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            if (!advisoryLock(connection, "pg_try_advisory_lock")) {
                LOG.info("Archive skipped: another ledger instance is running it");
                return new Outcome(false, 0);
            }
            try (CallableStatement call = connection.prepareCall("CALL archive_old_tasks_in_batches(NULL, ?)")) {
                call.setInt(1, settings.batchSize());
                call.execute();
                int moved;
                try (ResultSet result = call.getResultSet()) {
                    result.next();
                    moved = result.getInt("archived");
                }
                archived.increment(moved);
                // failures archived while still in an inbox leave it now (this run's, or a failed run's before it);
                // their incidents may resolve
                transactions.executeWithoutResult(status -> inbox.afterArchiving());
                LOG.info("Archived " + moved + " background tasks finished more than 7 days ago");
                slack.post("Tasklane archived " + moved + " background task" + (moved == 1 ? "" : "s")
                        + " finished more than 7 days ago.");
                lastSuccess.set(Instant.now().getEpochSecond());
                return new Outcome(true, moved);
            } finally {
                advisoryLock(connection, "pg_advisory_unlock");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "The archive run failed: " + e.getMessage()
                            + ". Tasks already moved stay moved; the next run continues.",
                    e);
        }
    }

    private static boolean advisoryLock(Connection connection, String function) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?)")) {
            statement.setLong(1, LOCK_KEY);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        }
    }
}
