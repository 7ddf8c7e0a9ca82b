package dev.tasklane.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.tasklane.cli.Http;
import dev.tasklane.cli.load.Load;
import dev.tasklane.cli.stack.ScratchStack;
import dev.tasklane.cli.stack.Settings;
import tools.jackson.databind.JsonNode;

/** {@code notify}: from a worker recording a failure to the event on a {@code /task-events} stream through the gateway. */
final class NotifyBenchmark {

    private final BenchRun run;
    private final ScratchStack scratch;
    private final int failures;

    NotifyBenchmark(BenchRun run, int failures) {
        this.run = run;
        this.scratch = run.scratch;
        this.failures = failures;
    }

    void run() throws Exception {
        scratch.activeDrivers(3);
        List<Long> delays = new ArrayList<>();
        HttpRequest stream = HttpRequest.newBuilder(
                        URI.create(scratch.gateway + "/task-events?access_token=" + scratch.user))
                .header("Accept", "text/event-stream")
                .build();
        HttpResponse<java.io.InputStream> response =
                ScratchStack.HTTP.send(stream, HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> readFailures(response, delays), "sse");
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(500);
        scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"request_denied\"}");
        try {
            List<UUID> clients = scratch.insertClients(failures);
            // one a 20 ms, each to an address its client did not have: every one queues a drive-time task that fails
            Load.send(
                            clients.size(),
                            50,
                            i -> scratch.updateClientRequest(clients.get(i), i + " Notify Ave, Springfield, IL"))
                    .get(10, TimeUnit.MINUTES);
            Instant deadline = Instant.now().plusSeconds(60);
            while (delays.size() < failures && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
        } finally {
            scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\"}");
            response.body().close();
        }
        long[] sorted;
        synchronized (delays) {
            sorted = delays.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        run.say("");
        run.say(
                "### Failure to notification: from the worker recording `failed_at` (right after the simulator refused) to "
                        + "the event on a `/task-events` stream through the gateway");
        run.say(String.format(
                "%d failures: p50 %s, p95 %s, max %s (target: p95 under 1 s).",
                sorted.length,
                BenchRun.ms(Load.percentile(sorted, 50)),
                BenchRun.ms(Load.percentile(sorted, 95)),
                BenchRun.ms(Load.percentile(sorted, 100))));
    }

    private void readFailures(HttpResponse<java.io.InputStream> response, List<Long> delays) {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.startsWith("data:")) {
                    continue;
                }
                long arrived = System.currentTimeMillis();
                JsonNode task = Http.JSON.readTree(line.substring(5).trim());
                if ("failed".equals(task.path("status").asString())
                        && !task.path("failed_at").isNull()) {
                    long failedAt = OffsetDateTime.parse(task.path("failed_at").asString())
                            .toInstant()
                            .toEpochMilli();
                    synchronized (delays) {
                        delays.add((arrived - failedAt) * 1_000_000L);
                    }
                }
            }
        } catch (IOException | RuntimeException closed) {
            // the benchmark ended the stream
        }
    }
}
