package dev.tasklane.cli.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;

import dev.tasklane.cli.load.Load;
import dev.tasklane.cli.stack.ScratchStack;

/** {@code latency}: add-client at steady rates, open loop, against a bare insert, with its statements and traffic. */
final class LatencyBenchmark {

    private final BenchRun run;
    private final ScratchStack scratch;
    private final Connection db;
    private final int seconds;

    LatencyBenchmark(BenchRun run, int seconds) {
        this.run = run;
        this.scratch = run.scratch;
        this.db = run.db;
        this.seconds = seconds;
    }

    void run() throws Exception {
        scratch.activeDrivers(3);
        long[] floor = new long[500];
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO clients (name, address) VALUES (?, ?)")) {
            for (int i = 0; i < floor.length; i++) {
                long started = System.nanoTime();
                insert.setString(1, "Floor " + i);
                insert.setString(2, ScratchStack.address());
                insert.executeUpdate();
                floor[i] = System.nanoTime() - started;
            }
        }
        Arrays.sort(floor);
        run.say("");
        run.say("### Gateway under load: add-client at a steady rate for " + seconds + " s per step (open loop)");
        run.say("| rate (requests/s) | achieved (answers/s) | p50 | p95 | p99 | errors |");
        run.say("|---|---|---|---|---|---|");
        // a minute of warm-up at 50/s first: the JIT compilers of seven JVMs are done before anything is measured
        load(50, 60, false);
        BenchRun.Measured measured = run.startMeasuring();
        int requests = 0;
        for (int rate : new int[] {50, 100, 200}) {
            load(rate, seconds, true);
            requests += rate * seconds;
        }
        run.say(String.format(
                "Bare-insert floor (one INSERT INTO clients, autocommit, one connection): p50 %s, p99 %s.",
                BenchRun.ms(Load.percentile(floor, 50)), BenchRun.ms(Load.percentile(floor, 99))));
        run.work(
                        "during the three measured steps, per add-client request (each queues a drive-time and a Quo task, "
                                + "worked on meanwhile)",
                        measured,
                        requests,
                        "request")
                .forEach(run::say);
    }

    private void load(int rate, int seconds, boolean reported) throws Exception {
        Load.Result result = Load.addClients(scratch, rate, seconds);
        if (reported) {
            run.say(String.format(
                    "| %d | %.0f | %s | %s | %s | %d |",
                    rate,
                    result.achieved(),
                    BenchRun.ms(result.p50()),
                    BenchRun.ms(result.p95()),
                    BenchRun.ms(result.p99()),
                    result.errors()));
        }
    }
}
