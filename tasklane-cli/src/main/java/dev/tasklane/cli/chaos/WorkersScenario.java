package dev.tasklane.cli.chaos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.tasklane.cli.load.Load;
import dev.tasklane.cli.stack.ScratchStack;
import dev.tasklane.cli.stack.ServiceProcess;
import dev.tasklane.cli.stack.Settings;

/** {@code workers}: a quo-sync-worker SIGKILLed mid-batch and restarted, a second drive-time-worker added and removed. */
final class WorkersScenario {

    private final ChaosRun run;
    private final ScratchStack scratch;

    WorkersScenario(ChaosRun run) {
        this.run = run;
        this.scratch = run.scratch;
    }

    void run() throws Exception {
        int requests = 300;
        run.say("workers: " + requests + " add-clients at 30/s, Distance Matrix 400 ms per request; quo-sync-worker "
                + "SIGKILLed 6 s in and restarted; drive-time-worker-2 added, then stopped");
        run.resetSimulators();
        scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 400}");
        try {
            OffsetDateTime start = run.dbNow();
            CompletableFuture<List<Load.Answer>> load = run.load("Chaos Workers", requests, 30);
            ChaosRun.pause(6);
            ServiceProcess quo = scratch.stack.service("quo-sync-worker");
            quo.kill();
            run.say("workers: quo-sync-worker killed");
            ChaosRun.pause(2);
            ServiceProcess restarted =
                    scratch.stack.startService(Settings.QUO_SYNC_WORKER, quo.port(), "quo-sync-worker", Map.of());
            OffsetDateTime restart = run.dbNow();
            ServiceProcess second = scratch.stack.startService(
                    Settings.DRIVE_TIME_WORKER, ScratchStack.freePort(), "drive-time-worker-2", Map.of());
            scratch.stack.awaitHealthy(List.of(restarted, second), Duration.ofMinutes(3));
            run.say("workers: quo-sync-worker restarted, drive-time-worker-2 running");
            ChaosRun.pause(15);
            second.requestStop();
            second.awaitStop(Duration.ofSeconds(30));
            run.say("workers: drive-time-worker-2 stopped");
            List<Load.Answer> answers = load.get();
            run.finish(
                    "quo-sync-worker SIGKILLed mid-batch and restarted; drive-time-worker-2 added and removed, "
                            + requests + " add-clients",
                    answers,
                    restart,
                    "the restart");
            whereTheTimeWent(answers, start, restart);
        } finally {
            scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 0}");
        }
    }

    /**
     * What bounds the workers scenario's end: Quo's quota (every sync_quo task needs its calls, ten a second for the key
     * whatever the number of workers) against the kill. Quo's floor is the time its calls need at the quota from the first
     * add-client on; drive-time tasks have no such bound.
     */
    private void whereTheTimeWent(List<Load.Answer> answers, OffsetDateTime start, OffsetDateTime restart)
            throws Exception {
        List<UUID> tasks = ChaosRun.tasks(answers);
        long quoCalls = scratch.simulator(Settings.QUO_SIMULATOR, "stats", null)
                .path("requests")
                .asLong();
        double floor = quoCalls / (double) ChaosRun.QUO_QUOTA;
        try (Connection db = ScratchStack.connect(scratch.settings)) {
            run.say(String.format(
                    Locale.ROOT,
                    "workers: where the time went: Quo answered %d calls; at its quota of %d a "
                            + "second they need %.1f s from the first add-client, so without any kill the last sync_quo task "
                            + "could not end before %.1f s after the restart; it ended %s after it. The last drive-time task "
                            + "(no quota) ended %s after the restart.",
                    quoCalls,
                    ChaosRun.QUO_QUOTA,
                    floor,
                    floor - Duration.between(start, restart).toMillis() / 1000.0,
                    ChaosRun.secondsAfter(db, "max", tasksOf(db, tasks, "sync_quo"), restart),
                    ChaosRun.secondsAfter(db, "max", tasksOf(db, tasks, "calculate_drive_times"), restart)));
        }
    }

    private static List<UUID> tasksOf(Connection db, List<UUID> tasks, String type) throws SQLException {
        try (PreparedStatement query =
                db.prepareStatement("SELECT id FROM background_tasks WHERE id = ANY (?) AND task_type = ?")) {
            query.setArray(1, db.createArrayOf("uuid", tasks.toArray()));
            query.setString(2, type);
            List<UUID> ofType = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    ofType.add(result.getObject(1, UUID.class));
                }
            }
            return ofType;
        }
    }
}
