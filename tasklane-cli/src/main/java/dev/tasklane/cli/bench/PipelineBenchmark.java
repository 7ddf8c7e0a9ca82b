package dev.tasklane.cli.bench;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.tasklane.cli.CliException;
import dev.tasklane.cli.Http;
import dev.tasklane.cli.stack.LocalStack;
import dev.tasklane.cli.stack.ScratchStack;
import dev.tasklane.cli.stack.ServiceProcess;
import dev.tasklane.cli.stack.Settings;
import tools.jackson.databind.JsonNode;

/**
 * {@code pipeline}: drive-time tasks from request to {@code completed} in the ledger with one drive-time worker and
 * then two, the CPU each part spends per task, and the consumer lag while a burst drains.
 */
final class PipelineBenchmark {

    private final BenchRun run;
    private final ScratchStack scratch;
    private final Settings settings;
    private final Connection db;
    private final LocalStack stack;
    private final int tasks;
    private final int burst;
    private final List<String> cpuNotes = new ArrayList<>();
    private final List<String> workNotes = new ArrayList<>();
    private final Map<Integer, Double> pipelineRates = new LinkedHashMap<>();
    private int round;

    PipelineBenchmark(BenchRun run, int tasks, int burst) {
        this.run = run;
        this.scratch = run.scratch;
        this.settings = run.scratch.settings;
        this.db = run.db;
        this.stack = run.scratch.stack;
        this.tasks = tasks;
        this.burst = burst;
    }

    /** Runs it and returns the tasks a second it measured, by the number of drive-time workers. */
    Map<Integer, Double> run() throws Exception {
        scratch.activeDrivers(3);
        List<UUID> clients = scratch.insertClients(tasks);
        run.say("");
        run.say(
                "### Pipeline: drive-time tasks from request to `completed` in the ledger (simulators at zero latency)");
        run.say(
                "| drive-time workers | tasks | seconds | tasks/s | seconds to send the requests | worker time per task |");
        run.say("|---|---|---|---|---|---|");
        List<UUID> warmUp = clients.subList(0, Math.min(500, clients.size()));
        List<Integer> one = List.of(settings.port(Settings.DRIVE_TIME_WORKER));
        // a round of warm-up first, so the figures are not the JIT compilers' work in every process
        throughput(warmUp, one, false);
        throughput(clients, one, true);
        ServiceProcess second = stack.startService(
                Settings.DRIVE_TIME_WORKER, ScratchStack.freePort(), "drive-time-worker-2", Map.of());
        stack.awaitHealthy(List.of(second), Duration.ofMinutes(2));
        awaitTwoConsumers();
        List<Integer> two = List.of(settings.port(Settings.DRIVE_TIME_WORKER), second.port());
        // the second instance's JVM has compiled nothing yet: a whole round to warm it up, not 500 tasks
        throughput(clients, two, false);
        throughput(clients, two, true);
        cpuNotes.forEach(run::say);
        workNotes.forEach(run::say);
        if (burst <= 0) {
            return pipelineRates;
        }

        List<UUID> burstClients = scratch.insertClients(burst / 2);
        run.say("");
        run.say("### Consumer lag of `drive-time-worker` while a burst of " + burstClients.size() * 2
                + " tasks drains (two instances)");
        run.say("| second | lag (records) |");
        run.say("|---|---|");
        Instant started = Instant.now();
        BenchRun.Measured measured = run.startMeasuring();
        Thread sender = new Thread(
                () -> {
                    try {
                        updateAddresses(burstClients);
                        updateAddresses(burstClients);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                "burst");
        sender.start();
        long lag;
        int elapsed = 0;
        do {
            Thread.sleep(2000);
            elapsed += 2;
            lag = run.lag()
                    .getOrDefault("drive-time-worker", Map.of())
                    .getOrDefault("task.requested.calculate_drive_times", 0L);
            run.say("| " + elapsed + " | " + lag + " |");
        } while ((sender.isAlive() || lag > 0)
                && Duration.between(started, Instant.now()).toMinutes() < 10);
        sender.join();
        run.work("during the burst, until the drive-time worker's lag was 0", measured, burstClients.size() * 2, "task")
                .forEach(run::say);
        return pipelineRates;
    }

    private void throughput(List<UUID> clients, List<Integer> workers, boolean reported) throws Exception {
        awaitNoDriveTimeLag();
        round++;
        BenchRun.Measured measured = reported ? run.startMeasuring() : null;
        double[] before = workerTime(workers);
        Map<String, Long> cpuBefore = run.parts.cpu();
        Instant started = Instant.now();
        Timestamped sent = updateAddresses(clients);
        double sending = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        run.awaitTasks(
                "task_type = 'calculate_drive_times' AND created_at >= '" + sent.from() + "'",
                clients.size(),
                Duration.ofMinutes(10));
        double elapsed = Duration.between(started, lastCompletion(sent.from())).toMillis() / 1000.0;
        double[] after = workerTime(workers);
        Map<String, Long> cpuAfter = run.parts.cpu();
        if (!reported) {
            return;
        }
        double perTask = (after[1] - before[1]) / Math.max(1, after[0] - before[0]) * 1000;
        run.say(String.format(
                Locale.ROOT,
                "| %d | %d | %.1f | %.0f | %.1f | %.1f ms |",
                workers.size(),
                clients.size(),
                elapsed,
                clients.size() / elapsed,
                sending,
                perTask));
        pipelineRates.put(workers.size(), clients.size() / elapsed);
        Map<String, Long> spent = PartUsage.spent(cpuBefore, cpuAfter);
        long total = spent.values().stream().mapToLong(Long::longValue).sum();
        cpuNotes.add(String.format(
                Locale.ROOT,
                "CPU time per task with %d drive-time worker(s), from the start of the "
                        + "requests to the last completion: %s, total %.1f ms; %d CPUs can do at most %.0f tasks/s at that cost.",
                workers.size(),
                PartUsage.perTaskList(spent, clients.size()),
                total / 1e6 / clients.size(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors() * 1e9 * clients.size() / Math.max(1, total)));
        cpuNotes.add(String.format(
                Locale.ROOT,
                "Tasklane's own processes: %.1f ms per task (with %d drive-time "
                        + "worker(s); PostgreSQL, the Kafka broker, the gateway, the ledger and the workers: everything but %s).",
                PartUsage.tasklaneOwn(spent) / 1e6 / clients.size(),
                workers.size(),
                PartUsage.BENCH_PART));
        workNotes.addAll(run.work(
                "with " + workers.size() + " drive-time worker(s), from the start of the requests to the "
                        + "last completion",
                measured,
                clients.size(),
                "task"));
    }

    /** [tasks handled, seconds spent handling them] summed over the drive-time workers on these ports. */
    private static double[] workerTime(List<Integer> ports) throws IOException {
        double[] sums = new double[2];
        for (int port : ports) {
            JsonNode metric = Http.get("http://127.0.0.1:" + port + "/actuator/metrics/tasklane.worker.tasks", null)
                    .body();
            for (JsonNode measurement : metric.path("measurements")) {
                switch (measurement.path("statistic").asString()) {
                    case "COUNT" -> sums[0] += measurement.path("value").asDouble();
                    case "TOTAL_TIME" -> sums[1] += measurement.path("value").asDouble();
                    default -> {}
                }
            }
        }
        return sums;
    }

    private record Timestamped(OffsetDateTime from) {}

    /** Queues one drive-time task per client by changing its address through the gateway, 16 requests at a time. */
    private Timestamped updateAddresses(List<UUID> clients) throws Exception {
        OffsetDateTime from = scratch.now();
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<?>> calls = new ArrayList<>();
        int version = ++round;
        for (UUID client : clients) {
            inFlight.acquire();
            calls.add(ScratchStack.HTTP
                    .sendAsync(
                            scratch.updateClientRequest(client, version + " Bench Ave, Springfield, IL"),
                            HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> inFlight.release()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        return new Timestamped(from);
    }

    /** Earlier benchmarks queue drive-time tasks too: a throughput run starts only once they are done. */
    private void awaitNoDriveTimeLag() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
        while (Instant.now().isBefore(deadline)) {
            long lag = run.lag()
                    .getOrDefault("drive-time-worker", Map.of())
                    .getOrDefault("task.requested.calculate_drive_times", 0L);
            if (lag == 0) {
                return;
            }
            System.err.println("bench             | waiting for " + lag + " earlier drive-time tasks to finish");
            Thread.sleep(2000);
        }
        throw new CliException("earlier drive-time tasks were still queued after 15 minutes");
    }

    private void awaitTwoConsumers() throws InterruptedException {
        // the group rebalances onto the new instance; give it the partitions before timing
        Thread.sleep(5000);
    }

    private Instant lastCompletion(OffsetDateTime from) throws SQLException {
        try (Statement statement = db.createStatement();
                ResultSet last = statement.executeQuery(
                        ScratchStack.OWN_QUERY + "SELECT max(updated_at) FROM background_tasks WHERE task_type = "
                                + "'calculate_drive_times' AND created_at >= '" + from + "'")) {
            last.next();
            return last.getObject(1, OffsetDateTime.class).toInstant();
        }
    }
}
