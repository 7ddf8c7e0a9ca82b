package dev.tasklane.cli.chaos;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

import dev.tasklane.cli.load.Load;
import dev.tasklane.cli.stack.ScratchStack;
import dev.tasklane.cli.stack.Settings;
import tools.jackson.databind.JsonNode;

/** {@code storms}: Quo answers 429 and Google OVER_QUERY_LIMIT for a while as clients arrive; the rates stay capped. */
final class StormsScenario {

    private final ChaosRun run;
    private final ScratchStack scratch;
    private final int storm;

    StormsScenario(ChaosRun run, int storm) {
        this.run = run;
        this.scratch = run.scratch;
        this.storm = storm;
    }

    void run() throws Exception {
        int requests = 100;
        run.say("storms: Quo answers 429 and Google OVER_QUERY_LIMIT for " + storm + " s; " + requests
                + " add-clients at 10/s");
        run.resetSimulators();
        scratch.simulator(Settings.QUO_SIMULATOR, "mode", "{\"mode\": \"rate_limited\"}");
        scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"over_query_limit\"}");
        long started = System.nanoTime();
        List<Load.Answer> answers = run.load("Chaos Storm", requests, 10).get();
        ChaosRun.pause(Math.max(0, storm - (System.nanoTime() - started) / 1_000_000_000L));
        scratch.simulator(Settings.QUO_SIMULATOR, "mode", "{\"mode\": \"ok\"}");
        scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\"}");
        OffsetDateTime over = run.dbNow();
        run.say("storms: over");
        run.finish(
                "Quo 429 and Google OVER_QUERY_LIMIT for " + storm + " s, " + requests + " add-clients",
                answers,
                over,
                "the storm's end");
        JsonNode google = scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "stats", null);
        JsonNode quo = scratch.simulator(Settings.QUO_SIMULATOR, "stats", null);
        int googlePeak = google.path("max_requests_in_one_second").asInt();
        int quoPeak = quo.path("max_requests_in_one_second").asInt();
        String note = String.format(
                Locale.ROOT,
                "Storm: Google saw %d requests (%s), at most %d in one second "
                        + "(configured %d/s); Quo saw %d requests (%s), at most %d in one second (configured %d/s, its limit 10/s).",
                google.path("requests").asInt(),
                google.path("by_status"),
                googlePeak,
                ChaosRun.GOOGLE_QUOTA,
                quo.path("requests").asInt(),
                quo.path("by_status"),
                quoPeak,
                ChaosRun.QUO_QUOTA);
        run.say("storms: " + note);
        run.note("- " + note);
        if (googlePeak > ChaosRun.GOOGLE_QUOTA || quoPeak > ChaosRun.QUO_QUOTA) {
            run.failed();
            run.note("- **A simulator saw more than the configured rate.**");
        }
    }
}
