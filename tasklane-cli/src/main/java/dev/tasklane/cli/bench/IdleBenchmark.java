package dev.tasklane.cli.bench;

import java.util.Locale;
import java.util.Map;

/** {@code idle}: what each part of the stack costs doing nothing, its CPU over 30 s and its resident memory. */
final class IdleBenchmark {

    private final BenchRun run;

    IdleBenchmark(BenchRun run) {
        this.run = run;
    }

    /** What each part costs doing nothing: its CPU over 30 s with no request, and each process's resident memory. */
    void run() throws Exception {
        run.say("");
        run.say("### Idle: each part of the stack with no work for 30 s, after start-up");
        run.say("| part | CPU, % of one core | resident memory |");
        run.say("|---|---:|---:|");
        Map<String, Long> before = run.parts.cpu();
        long started = System.nanoTime();
        Thread.sleep(30_000);
        Map<String, Long> spent = PartUsage.spent(before, run.parts.cpu());
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> resident = run.parts.residentMegabytes();
        spent.forEach((part, nanos) -> run.say(String.format(
                Locale.ROOT,
                "| %s | %.2f %% | %s |",
                part,
                100.0 * nanos / 1e9 / seconds,
                resident.containsKey(part) ? resident.get(part) + " MB" : "— (shared buffers: not one process's)")));
    }
}
