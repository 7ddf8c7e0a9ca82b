package dev.tasklane.cli.bench;

import java.time.Duration;

import dev.tasklane.cli.stack.ScratchStack;
import dev.tasklane.cli.stack.Settings;
import tools.jackson.databind.JsonNode;

/** {@code google}: the Distance Matrix requests one add-client costs, for 10, 60 and 200 drivers. */
final class GoogleBenchmark {

    private final BenchRun run;
    private final ScratchStack scratch;

    GoogleBenchmark(BenchRun run) {
        this.run = run;
        this.scratch = run.scratch;
    }

    void run() throws Exception {
        run.say("");
        run.say("### Google efficiency: Distance Matrix requests per add-client");
        run.say("| drivers | requests | ceil(drivers/25) | billed elements | old flow (one request per driver) |");
        run.say("|---|---|---|---|---|");
        for (int drivers : new int[] {10, 60, 200}) {
            scratch.activeDrivers(drivers);
            scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "reset", null);
            String client = scratch.addClient("Google Bench " + drivers, ScratchStack.address())
                    .path("client_id")
                    .asString();
            run.awaitTasks(
                    "entity_id = '" + client + "' AND task_type = 'calculate_drive_times'", 1, Duration.ofMinutes(2));
            JsonNode stats = scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "stats", null);
            run.say(String.format(
                    "| %d | %d | %d | %d | %d |",
                    drivers,
                    stats.path("requests").asInt(),
                    (drivers + 24) / 25,
                    stats.path("elements").asInt(),
                    drivers));
        }
    }
}
