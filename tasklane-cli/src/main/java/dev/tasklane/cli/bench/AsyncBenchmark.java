package dev.tasklane.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import dev.tasklane.cli.load.Load;
import dev.tasklane.cli.stack.ScratchStack;
import dev.tasklane.cli.stack.Settings;

/** {@code async}: add-client in the old synchronous flow (Google and Quo called before answering) against Tasklane. */
final class AsyncBenchmark {

    private final BenchRun run;
    private final ScratchStack scratch;
    private final Settings settings;
    private final Connection db;

    AsyncBenchmark(BenchRun run) {
        this.run = run;
        this.scratch = run.scratch;
        this.settings = run.scratch.settings;
        this.db = run.db;
    }

    void run() throws Exception {
        int drivers = 40;
        List<String> homes = scratch.activeDrivers(drivers);
        scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 300}");
        scratch.simulator(Settings.QUO_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 200}");
        try {
            long[] old = new long[20];
            for (int i = 0; i < old.length; i++) {
                old[i] = oldSynchronousAddClient("Sync Bench " + i, ScratchStack.address(), homes);
            }
            for (int i = 0; i < 500; i++) {
                scratch.addClient("Warm-up " + i, ScratchStack.address());
            }
            long[] tasklane = new long[200];
            for (int i = 0; i < tasklane.length; i++) {
                long started = System.nanoTime();
                scratch.addClient("Async Bench " + i, ScratchStack.address());
                tasklane[i] = System.nanoTime() - started;
            }
            Arrays.sort(old);
            Arrays.sort(tasklane);
            run.say("");
            run.say("### Add-client: the old synchronous flow against Tasklane (" + drivers
                    + " drivers, Distance Matrix " + "300 ms, Quo 200 ms per call)");
            run.say("| flow | samples | p50 | p99 |");
            run.say("|---|---|---|---|");
            run.say(String.format(
                    "| old: insert, then one Distance Matrix call per driver and the Quo calls, waiting | %d | %s | %s |",
                    old.length, BenchRun.ms(Load.percentile(old, 50)), BenchRun.ms(Load.percentile(old, 99))));
            run.say(String.format(
                    "| Tasklane: the client and its outbox rows in one statement, answer | %d | %s | %s |",
                    tasklane.length,
                    BenchRun.ms(Load.percentile(tasklane, 50)),
                    BenchRun.ms(Load.percentile(tasklane, 99))));
            run.say(String.format(
                    "Old p50 / Tasklane p99 = %.0f× (target: at least 1000×).",
                    (double) Load.percentile(old, 50) / Load.percentile(tasklane, 99)));
        } finally {
            scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 0}");
            scratch.simulator(Settings.QUO_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 0}");
        }
    }

    /** The old web app's add-client: insert, then Google once per driver, then Quo, all before answering. */
    private long oldSynchronousAddClient(String name, String address, List<String> homes) throws Exception {
        long started = System.nanoTime();
        UUID id = UUID.randomUUID();
        try (PreparedStatement insert =
                db.prepareStatement("INSERT INTO clients (id, name, address) VALUES (?, ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, name);
            insert.setString(3, address);
            insert.executeUpdate();
        }
        String google = settings.url(Settings.DISTANCE_MATRIX_SIMULATOR) + "/maps/api/distancematrix/json?key="
                + Settings.GOOGLE_SIMULATOR_KEY + "&destinations=" + URLEncoder.encode(address, StandardCharsets.UTF_8)
                + "&origins=";
        for (String home : homes) {
            send(HttpRequest.newBuilder(URI.create(google + URLEncoder.encode(home, StandardCharsets.UTF_8)))
                    .GET());
        }
        String quo = settings.url(Settings.QUO_SIMULATOR);
        send(HttpRequest.newBuilder(URI.create(quo + "/v1/contacts?externalIds=" + id + "&maxResults=1"))
                .header("Authorization", Settings.QUO_SIMULATOR_KEY)
                .GET());
        send(HttpRequest.newBuilder(URI.create(quo + "/v1/contacts"))
                .header("Authorization", Settings.QUO_SIMULATOR_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"defaultFields\": {\"firstName\": \"" + name + "\"}, \"externalId\": \"" + id + "\"}")));
        return System.nanoTime() - started;
    }

    private static void send(HttpRequest.Builder request) throws IOException, InterruptedException {
        ScratchStack.HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding());
    }
}
