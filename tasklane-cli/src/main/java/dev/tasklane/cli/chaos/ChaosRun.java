package dev.tasklane.cli.chaos;

import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.tasklane.cli.Http;
import dev.tasklane.cli.load.Load;
import dev.tasklane.cli.stack.ScratchStack;
import dev.tasklane.cli.stack.Settings;

/**
 * What every scenario of a {@code ./tasklane chaos} run shares: its scratch stack, the load of add-clients, the check
 * each scenario ends with, and the rows and notes of the report, with whether every check came out clean.
 */
final class ChaosRun {

    /** What the stack is configured to send each API at most, checked against what the simulators saw. */
    static final int GOOGLE_QUOTA = 20;

    static final int QUO_QUOTA = 10;

    final ScratchStack scratch;
    final List<String> rows = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    private boolean allClean = true;

    ChaosRun(ScratchStack scratch) {
        this.scratch = scratch;
    }

    /** Whether every check so far found nothing lost, duplicated or failed. */
    boolean allClean() {
        return allClean;
    }

    /** A check found something wrong: the run ends with exit code 1. */
    void failed() {
        allClean = false;
    }

    /** A line of the notes printed under the table. */
    void note(String line) {
        notes.add(line);
    }

    /** Sends {@code count} add-clients named {@code prefix n} at {@code rate} per second, open loop. */
    CompletableFuture<List<Load.Answer>> load(String prefix, int count, int rate) {
        return Load.send(count, rate, n -> scratch.addClientRequest(prefix + " " + n, ScratchStack.address()))
                .thenApply(answers -> {
                    say(prefix + ": " + answers.size() + " requests answered");
                    return answers;
                });
    }

    /** The tasks the add-clients that were answered 200 queued. */
    static List<UUID> tasks(List<Load.Answer> answers) {
        List<UUID> ids = new ArrayList<>();
        for (Load.Answer answer : answers) {
            if (answer.status() == 200) {
                Http.JSON
                        .readTree(answer.body())
                        .path("task_ids")
                        .forEach(id -> ids.add(UUID.fromString(id.asString())));
            }
        }
        return ids;
    }

    void finish(String scenario, List<Load.Answer> answers, OffsetDateTime faultOver, String event) throws Exception {
        List<UUID> tasks = tasks(answers);
        try (Connection db = ScratchStack.connect(scratch.settings)) {
            TaskAudit audit =
                    new TaskAudit(db, scratch.settings.kafkaBootstrap(), scratch.settings.url(Settings.QUO_SIMULATOR));
            say("checking " + tasks.size() + " tasks");
            Optional<Duration> drained = audit.awaitTerminal(tasks, Duration.ofMinutes(20));
            TaskAudit.Result result = audit.audit(tasks);
            String recovery = drained.isEmpty()
                    ? "NOT all done within 20 min"
                    : "first task completed " + secondsAfter(db, "min", tasks, faultOver) + " after " + event
                            + ", the last " + secondsAfter(db, "max", tasks, faultOver) + " after it";
            long ok = answers.stream().filter(answer -> answer.status() == 200).count();
            String statuses = answers.stream()
                    .collect(java.util.stream.Collectors.groupingBy(
                            Load.Answer::status, java.util.TreeMap::new, java.util.stream.Collectors.counting()))
                    .toString();
            rows.add(String.format(
                    "| %s | %d | %s | %d | %d | %d | %d | %d | %s |",
                    scenario,
                    answers.size(),
                    ok == answers.size() ? "all 200" : statuses,
                    result.tasks(),
                    result.completed(),
                    result.failed(),
                    result.missing(),
                    result.conflicting() + result.contactsTwice(),
                    recovery));
            say(scenario + ": " + result.summary() + "; " + recovery);
            note("- " + scenario + ": " + result.summary() + ".");
            result.failures().forEach(failure -> say("  failed: " + failure));
            if (!result.clean() || drained.isEmpty()) {
                failed();
            }
        }
    }

    /** The first ({@code min}) or last ({@code max}) moment one of the tasks finished, in seconds after {@code after}. */
    static String secondsAfter(Connection db, String which, List<UUID> tasks, OffsetDateTime after)
            throws SQLException {
        try (PreparedStatement query = db.prepareStatement(
                "SELECT extract(epoch FROM " + which + "(coalesce(completed_at, "
                        + "failed_at)) - ?) FROM background_tasks WHERE id = ANY (?) AND coalesce(completed_at, failed_at) > ?")) {
            Array ids = db.createArrayOf("uuid", tasks.toArray());
            query.setObject(1, after);
            query.setArray(2, ids);
            query.setObject(3, after);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                double seconds = result.getDouble(1);
                return result.wasNull()
                        ? "never (all were done before)"
                        : String.format(Locale.ROOT, "%.1f s", seconds);
            }
        }
    }

    void resetSimulators() throws IOException {
        scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "reset", null);
        scratch.simulator(Settings.QUO_SIMULATOR, "reset", null);
    }

    /** On a connection of its own: the stack's shared one does not survive the PostgreSQL scenario. */
    OffsetDateTime dbNow() throws SQLException {
        try (Connection db = ScratchStack.connect(scratch.settings)) {
            return ScratchStack.now(db);
        }
    }

    /** The database's clock at the moment {@code nanoTime} stood at {@code at} (earlier, on this machine). */
    OffsetDateTime dbNowAfter(long at) throws SQLException {
        return dbNow().minusNanos(System.nanoTime() - at);
    }

    static void pause(long seconds) throws InterruptedException {
        Thread.sleep(seconds * 1000);
    }

    static String milliseconds(long nanos) {
        return String.format(Locale.ROOT, "%d ms", nanos / 1_000_000);
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    void say(String message) {
        System.err.println(String.format("%-18s| ", "chaos") + message);
    }
}
