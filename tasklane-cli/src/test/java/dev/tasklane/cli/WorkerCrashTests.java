package dev.tasklane.cli;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
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
 * A drive-time worker killed (SIGKILL) in the middle of a batch and restarted: it takes its partitions back as soon as
 * it is up, every task reaches exactly one terminal state, all of them completed, and no driver/client pair has two
 * rows.
 */
@Order(5)
class WorkerCrashTests {

    private static final int TASKS = 120;

    private final RunningStack stack = RunningStack.get();

    private static long count(Connection db, String sql) throws Exception {
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Test
    void aWorkerKilledMidRunAndRestartedResumesAtOnceLosesNoTaskAndDuplicatesNothing() throws Exception {
        String user = stack.tokens.get("user");
        HttpJson gateway = stack.gateway();
        HttpJson google = stack.distanceMatrixSimulator();
        Process replacement = null;
        try (Connection db = stack.database()) {
            List<UUID> clients = RunningStack.insertClients(db, "Crash Client", TASKS);
            // each Distance Matrix call takes 100 ms, so the run is still going when the worker dies
            google.post("/_sim/mode", null, "{\"mode\": \"ok\", \"latency_ms\": 100}");
            List<String> tasks = new ArrayList<>();
            for (UUID client : clients) {
                HttpJson.Response queued = gateway.post(
                        "/update-client",
                        user,
                        "{\"client_id\": \"" + client + "\", \"address\": \"1 New Address Rd, Springfield, IL\"}");
                tasks.add(queued.body()
                        .path("task_ids")
                        .path("calculate_drive_times")
                        .asString());
            }
            String ids = "'" + String.join("','", tasks) + "'";
            String finished =
                    "SELECT count(*) FROM background_tasks WHERE status IN ('completed', 'failed') AND id IN (" + ids
                            + ")";
            String running = "SELECT count(*) FROM background_tasks WHERE status = 'running' AND id IN (" + ids + ")";
            // a poll runs as one batch: some tasks finished, and a batch started but not yet finished, is mid-batch
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> count(db, finished) >= 10 && count(db, running) > 0);

            ProcessHandle worker = stack.service("drive-time-worker");
            worker.destroyForcibly();
            assertThat(worker.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
            long doneAtTheKill = count(db, finished);
            assertThat(doneAtTheKill).as("killed mid-run").isLessThan(TASKS);
            long startedAtTheKill = count(db, running);

            long killedAt = System.nanoTime();
            int port = RunningStack.freePort();
            // the killed instance itself, restarted under the name ./tasklane up gave it
            replacement = stack.startInstance(
                    "drive-time-worker",
                    Map.of(
                            "GOOGLE_MAPS_API_KEY",
                            Settings.GOOGLE_SIMULATOR_KEY,
                            "GOOGLE_MAPS_BASE_URL",
                            "http://127.0.0.1:" + stack.port(Settings.DISTANCE_MATRIX_SIMULATOR),
                            "TASKLANE_INSTANCE_ID",
                            "drive-time-worker",
                            "TASKLANE_DRIVE_TIME_WORKER_PORT",
                            String.valueOf(port)));
            HttpJson health = new HttpJson(port);
            await().atMost(Duration.ofSeconds(150))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> health.get("/actuator/health", null).status() == 200);
            long upAt = System.nanoTime();
            // it takes its partitions back as it joins: work goes on at once, not after Kafka's 45 s session timeout
            // (a killed member's partitions used to wait that long; this bound leaves room for a loaded machine)
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> count(db, finished) > doneAtTheKill);
            System.out.printf(
                    "The restarted drive-time worker was healthy %.1f s after the kill and finished a task "
                            + "%.1f s after that.%n",
                    (upAt - killedAt) / 1e9, (System.nanoTime() - upAt) / 1e9);

            await().atMost(Duration.ofSeconds(150))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> count(db, finished) == TASKS);
            System.out.printf(
                    "A killed drive-time worker: %d of %d tasks were done at the kill and %d started in "
                            + "its batch; the replacement finished the rest %.1f s after it started.%n",
                    doneAtTheKill, TASKS, startedAtTheKill, (System.nanoTime() - killedAt) / 1e9);

            assertThat(count(
                            db,
                            "SELECT count(*) FROM background_tasks WHERE status = 'completed' AND id IN (" + ids + ")"))
                    .as("every task completed, none failed")
                    .isEqualTo(TASKS);
            long drivers = count(db, "SELECT count(*) FROM drivers WHERE active");
            String crashClients = "SELECT id FROM clients WHERE name LIKE 'Crash Client %'";
            assertThat(count(db, "SELECT count(*) FROM client_drive_times WHERE client_id IN (" + crashClients + ")"))
                    .as("one row per driver and client, none twice")
                    .isEqualTo(TASKS * drivers);
        } finally {
            google.post("/_sim/mode", null, "{\"mode\": \"ok\", \"latency_ms\": 0}");
            RunningStack.stop(replacement);
        }
    }
}
