package dev.tasklane.cli.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import dev.tasklane.cli.CliException;
import dev.tasklane.cli.stack.ScratchStack;
import dev.tasklane.cli.status.StatusCommand;
import org.apache.kafka.clients.admin.Admin;

/**
 * What every benchmark of a {@code ./tasklane bench} run shares: its scratch stack, where the figures go, the CPU and
 * memory of each part, the PostgreSQL statements and Kafka traffic of a measured run, and the waits between runs.
 */
final class BenchRun {

    final ScratchStack scratch;
    final Connection db;
    final Admin admin;
    final PartUsage parts;
    private final Consumer<String> say;

    BenchRun(ScratchStack scratch, Admin admin, Consumer<String> say) {
        this.scratch = scratch;
        this.db = scratch.db;
        this.admin = admin;
        this.parts = new PartUsage(scratch.stack, scratch.settings);
        this.say = say;
    }

    /** Prints a line of the figures, which also goes into the report for docs/benchmarks.md. */
    void say(String text) {
        say.accept(text);
    }

    /** The PostgreSQL statement statistics and Kafka topic totals at the start of a measured run. */
    record Measured(Map<String, KafkaTraffic.Totals> kafka) {}

    /** Resets pg_stat_statements and notes each topic's totals: call it after the warm-ups, as a run starts. */
    Measured startMeasuring() throws Exception {
        Map<String, KafkaTraffic.Totals> topics = KafkaTraffic.snapshot(admin);
        PgStatements.reset(db);
        return new Measured(topics);
    }

    /** The top statements and the Kafka traffic since {@code measured}, per {@code unit}, under a heading. */
    List<String> work(String what, Measured measured, int units, String unit) throws Exception {
        List<String> lines = statements(what, units, unit);
        lines.addAll(traffic(what, measured, units, unit));
        return lines;
    }

    List<String> statements(String what, int units, String unit) throws SQLException {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("Top PostgreSQL statements by execution time, " + what + " (" + units + " " + unit + "s):");
        lines.add("");
        lines.addAll(PgStatements.report(PgStatements.read(db), units, unit));
        return lines;
    }

    List<String> traffic(String what, Measured measured, int units, String unit) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("Kafka records and bytes written per " + unit + ", " + what + " (bytes: growth of the topic's log on "
                + "the broker):");
        lines.add("");
        lines.addAll(KafkaTraffic.report(measured.kafka(), KafkaTraffic.snapshot(admin), units, unit));
        return lines;
    }

    /** Waits until {@code expected} tasks matching {@code where} are completed or failed in the ledger. */
    void awaitTasks(String where, int expected, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try (Statement statement = db.createStatement();
                    ResultSet count = statement.executeQuery(
                            ScratchStack.OWN_QUERY + "SELECT count(*) FROM background_tasks WHERE status IN "
                                    + "('completed', 'failed') AND " + where)) {
                count.next();
                if (count.getInt(1) >= expected) {
                    return;
                }
            }
            // each count scans background_tasks, on the PostgreSQL the run measures; the figures come from the rows'
            // times, not from when this loop saw them, so a second between looks costs nothing but that second
            Thread.sleep(1000);
        }
        throw new CliException("the tasks (" + where + ") did not all finish within " + timeout.toSeconds() + " s");
    }

    /** The records each consumer group has not read yet, by group and topic. */
    Map<String, Map<String, Long>> lag() throws Exception {
        return StatusCommand.lag(scratch.settings.kafkaBootstrap());
    }

    static String ms(long nanos) {
        double millis = nanos / 1e6;
        return millis >= 1000
                ? String.format(Locale.ROOT, "%.2f s", millis / 1000)
                : String.format(Locale.ROOT, "%.1f ms", millis);
    }
}
