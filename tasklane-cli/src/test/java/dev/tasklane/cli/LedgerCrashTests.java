package dev.tasklane.cli;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.tasklane.cli.stack.Settings;
import dev.tasklane.testsupport.HttpJson;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ledger SIGKILLed while tasks flow and started again: it catches up from its committed offsets, and a rebuild
 * from the topics gives back the same table.
 */
@Order(6)
class LedgerCrashTests {

    private static final int TASKS = 120;
    /** Every column but the two the database stamps when it writes a row. */
    private static final String SNAPSHOT =
            "SELECT id, entity_type, entity_id, entity_name, task_type, status, attempt, "
                    + "payload::text, result::text, error_message, error_code, error_source, error_retryable, worker, created_by, "
                    + "created_at, started_at, completed_at, failed_at, dismissed_at, dismissed_by FROM background_tasks ORDER BY id";

    private final RunningStack stack = RunningStack.get();

    private static long count(Connection db, String sql) throws Exception {
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static List<Map<String, Object>> snapshot(Connection db) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement statement = db.createStatement();
                ResultSet result = statement.executeQuery(SNAPSHOT)) {
            ResultSetMetaData columns = result.getMetaData();
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns.getColumnCount(); i++) {
                    row.put(columns.getColumnLabel(i), result.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private List<String> queue(HttpJson gateway, String user, List<UUID> clients, String address) {
        List<String> tasks = new ArrayList<>();
        for (UUID client : clients) {
            tasks.add(gateway.post(
                            "/update-client",
                            user,
                            "{\"client_id\": \"" + client + "\", \"address\": \"" + address + "\"}")
                    .body()
                    .path("task_ids")
                    .path("calculate_drive_times")
                    .asString());
        }
        return tasks;
    }

    @Test
    void aKilledLedgerCatchesUpWhenItIsBackAndARebuildGivesTheSameTable() throws Exception {
        String user = stack.tokens.get("user");
        HttpJson gateway = stack.gateway();
        Process restarted = null;
        // WorkerCrashTests leaves no drive-time worker of ./tasklane up's own behind: bring one
        Process worker = stack.startInstance(
                "drive-time-worker",
                Map.of(
                        "GOOGLE_MAPS_API_KEY",
                        Settings.GOOGLE_SIMULATOR_KEY,
                        "GOOGLE_MAPS_BASE_URL",
                        "http://127.0.0.1:" + stack.port(Settings.DISTANCE_MATRIX_SIMULATOR),
                        "TASKLANE_DRIVE_TIME_WORKER_PORT",
                        "0"));
        try (Connection db = stack.database()) {
            List<UUID> clients = RunningStack.insertClients(db, "Ledger Crash Client", TASKS / 2);
            List<String> tasks = new ArrayList<>(queue(gateway, user, clients, "1 Before Crash Rd, Springfield, IL"));
            ProcessHandle ledger = stack.service("task-ledger");
            ledger.destroyForcibly();
            assertThat(ledger.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();

            // the business goes on without the ledger: requests are answered, tasks run
            tasks.addAll(queue(gateway, user, clients, "2 During Crash Rd, Springfield, IL"));
            assertThat(tasks).doesNotContain("").hasSize(TASKS);
            String ids = "'" + String.join("','", tasks) + "'";

            long killedAt = System.nanoTime();
            restarted = stack.startInstance(
                    "task-ledger",
                    Map.of(
                            "TASKLANE_INSTANCE_ID", "task-ledger",
                            "TASKLANE_LEDGER_PORT", String.valueOf(stack.port(Settings.LEDGER)),
                            "TASKLANE_JWT_SECRET",
                                    Files.readString(stack.home.resolve("jwt-secret"))
                                            .strip()));
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> count(
                                    db,
                                    "SELECT count(*) FROM background_tasks WHERE status = 'completed' AND id IN (" + ids
                                            + ")")
                            == TASKS);
            System.out.printf(
                    "A killed ledger: %d tasks completed in the ledger %.1f s after its restart began.%n",
                    TASKS, (System.nanoTime() - killedAt) / 1e9);
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            count(db, "SELECT count(*) FROM background_tasks WHERE status IN ('pending', 'running')")
                                    == 0);
            List<Map<String, Object>> live = snapshot(db);

            RunningStack.Result rebuild = stack.command("rebuild-ledger");
            assertThat(rebuild.exitCode()).as(rebuild.output()).isZero();

            assertThat(snapshot(db)).as("the table rebuilt from the topics").isEqualTo(live);
        } finally {
            RunningStack.stop(restarted);
            RunningStack.stop(worker);
        }
    }
}
