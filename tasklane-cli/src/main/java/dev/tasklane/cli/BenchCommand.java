package dev.tasklane.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Measures Tasklane on this machine and prints the figures.",
        description = {"Starts a Tasklane stack of its own (fresh data under target/bench-*, free ports, simulators for",
                "Google and Quo), runs the benchmarks and prints their figures, then stops it. It does not touch a",
                "stack ./tasklane up runs. Benchmarks (--only, comma-separated): google, async, latency, pipeline,",
                "notify. The figures go into docs/benchmarks.md with the date and the machine."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--only", split = ",", paramLabel = "<name>",
            description = "which benchmarks (default: all): google, async, latency, pipeline, notify")
    List<String> only = List.of("google", "async", "latency", "pipeline", "notify");

    @Option(names = "--seconds", defaultValue = "10", description = "seconds per load step (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--tasks", defaultValue = "2000",
            description = "tasks per throughput run (default: ${DEFAULT-VALUE})")
    int tasks;

    @Option(names = "--burst", defaultValue = "10000",
            description = "tasks in the burst whose draining lag is sampled; 0 skips it (default: ${DEFAULT-VALUE})")
    int burst;

    @Option(names = "--drive-time-consumers", defaultValue = "2",
            description = "consumer threads per drive-time worker (TASKLANE_DRIVE_TIME_CONSUMERS; default: ${DEFAULT-VALUE})")
    int driveTimeConsumers;

    @Option(names = "--failures", defaultValue = "200",
            description = "failures timed to their notification (default: ${DEFAULT-VALUE})")
    int failures;

    private final PrintStream out = System.out;
    private final List<String> report = new ArrayList<>();
    private final List<String> cpuNotes = new ArrayList<>();
    private ScratchStack scratch;
    private LocalStack stack;
    private Settings settings;
    private String gateway;
    private String user;
    private Connection db;
    private int round;

    @Override
    public Integer call() throws Exception {
        for (String name : only) {
            if (!Set.of("google", "async", "latency", "pipeline", "notify").contains(name)) {
                throw new CliException("--only takes google, async, latency, pipeline or notify, not '" + name + "'.");
            }
        }
        // the simulator has no quota: let the drive-time worker go as fast as the machine allows
        scratch = ScratchStack.start("bench", Map.of("GOOGLE_MAPS_QUOTA_PER_SECOND", "10000",
                "TASKLANE_DRIVE_TIME_CONSUMERS", String.valueOf(driveTimeConsumers)));
        stack = scratch.stack;
        settings = scratch.settings;
        gateway = scratch.gateway;
        user = scratch.user;
        db = scratch.db;
        try {
            header();
            for (String name : only) {
                switch (name) {
                    case "google" -> google();
                    case "async" -> asyncVersusSynchronous();
                    case "latency" -> latencyUnderLoad();
                    case "pipeline" -> pipeline();
                    default -> notification();
                }
            }
            out.println();
            out.println("For docs/benchmarks.md:");
            report.forEach(out::println);
            return 0;
        }
        finally {
            scratch.close();
        }
    }

    private void header() {
        String line = "Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB max heap for the bench JVM, Java "
                + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + "; date " + Instant.now().toString().substring(0, 10) + ".";
        out.println(line);
        report.add(line);
    }

    private void say(String text) {
        out.println(text);
        report.add(text);
    }

    // ---------------------------------------------------------------- google

    private void google() throws Exception {
        say("");
        say("### Google efficiency: Distance Matrix requests per add-client");
        say("| drivers | requests | ceil(drivers/25) | billed elements | old flow (one request per driver) |");
        say("|---|---|---|---|---|");
        for (int drivers : new int[] {10, 60, 200}) {
            scratch.activeDrivers(drivers);
            scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "reset", null);
            String client = scratch.addClient("Google Bench " + drivers, ScratchStack.address()).path("client_id").asString();
            awaitTasks("entity_id = '" + client + "' AND task_type = 'calculate_drive_times'", 1, Duration.ofMinutes(2));
            JsonNode stats = scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "stats", null);
            say(String.format("| %d | %d | %d | %d | %d |", drivers, stats.path("requests").asInt(),
                    (drivers + 24) / 25, stats.path("elements").asInt(), drivers));
        }
    }

    // ---------------------------------------------------------------- async vs synchronous

    private void asyncVersusSynchronous() throws Exception {
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
            say("");
            say("### Add-client: the old synchronous flow against Tasklane (" + drivers + " drivers, Distance Matrix "
                    + "300 ms, Quo 200 ms per call)");
            say("| flow | samples | p50 | p99 |");
            say("|---|---|---|---|");
            say(String.format("| old: insert, then one Distance Matrix call per driver and the Quo calls, waiting | %d | %s | %s |",
                    old.length, ms(percentile(old, 50)), ms(percentile(old, 99))));
            say(String.format("| Tasklane: insert and outbox in one transaction, answer | %d | %s | %s |", tasklane.length,
                    ms(percentile(tasklane, 50)), ms(percentile(tasklane, 99))));
            say(String.format("Old p50 / Tasklane p99 = %.0f× (target: at least 1000×).",
                    (double) percentile(old, 50) / percentile(tasklane, 99)));
        }
        finally {
            scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 0}");
            scratch.simulator(Settings.QUO_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 0}");
        }
    }

    /** The old web app's add-client: insert, then Google once per driver, then Quo, all before answering. */
    private long oldSynchronousAddClient(String name, String address, List<String> homes) throws Exception {
        long started = System.nanoTime();
        UUID id = UUID.randomUUID();
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO clients (id, name, address) VALUES (?, ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, name);
            insert.setString(3, address);
            insert.executeUpdate();
        }
        String google = settings.url(Settings.DISTANCE_MATRIX_SIMULATOR) + "/maps/api/distancematrix/json?key="
                + Settings.GOOGLE_SIMULATOR_KEY + "&destinations=" + URLEncoder.encode(address, StandardCharsets.UTF_8)
                + "&origins=";
        for (String home : homes) {
            send(HttpRequest.newBuilder(URI.create(google + URLEncoder.encode(home, StandardCharsets.UTF_8))).GET());
        }
        String quo = settings.url(Settings.QUO_SIMULATOR);
        send(HttpRequest.newBuilder(URI.create(quo + "/v1/contacts?externalIds=" + id + "&maxResults=1"))
                .header("Authorization", Settings.QUO_SIMULATOR_KEY).GET());
        send(HttpRequest.newBuilder(URI.create(quo + "/v1/contacts")).header("Authorization", Settings.QUO_SIMULATOR_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"defaultFields\": {\"firstName\": \"" + name + "\"}, \"externalId\": \"" + id + "\"}")));
        return System.nanoTime() - started;
    }

    // ---------------------------------------------------------------- latency under load

    private void latencyUnderLoad() throws Exception {
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
        say("");
        say("### Gateway under load: add-client at a steady rate for " + seconds + " s per step (open loop)");
        say("| rate (requests/s) | achieved (answers/s) | p50 | p95 | p99 | errors |");
        say("|---|---|---|---|---|---|");
        // a minute of warm-up at 50/s first: the JIT compilers of seven JVMs are done before anything is measured
        load(50, 60, false);
        for (int rate : new int[] {50, 100, 200}) {
            load(rate, seconds, true);
        }
        say(String.format("Bare-insert floor (one INSERT INTO clients, autocommit, one connection): p50 %s, p99 %s.",
                ms(percentile(floor, 50)), ms(percentile(floor, 99))));
    }

    private void load(int rate, int seconds, boolean reported) throws Exception {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        List<CompletableFuture<?>> calls = new ArrayList<>();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        long interval = 1_000_000_000L / rate;
        int total = rate * seconds;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            int n = i;
            clock.schedule(() -> {
                CompletableFuture<HttpResponse<String>> call = ScratchStack.HTTP.sendAsync(scratch.addClientRequest("Load " + rate + "-" + n,
                        ScratchStack.address()), HttpResponse.BodyHandlers.ofString());
                synchronized (calls) {
                    calls.add(call.whenComplete((response, error) -> {
                        // measured from when the request was due, so a stalled sender does not hide the wait
                        latencies.add(System.nanoTime() - due);
                        if (error != null || response.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    }));
                }
            }, due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        clock.shutdown();
        clock.awaitTermination(seconds + 10L, TimeUnit.SECONDS);
        synchronized (calls) {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).exceptionally(e -> null).get(60, TimeUnit.SECONDS);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        if (!reported) {
            return;
        }
        say(String.format("| %d | %.0f | %s | %s | %s | %d |", rate, sorted.length / elapsed, ms(percentile(sorted, 50)),
                ms(percentile(sorted, 95)), ms(percentile(sorted, 99)), errors.get()));
    }

    // ---------------------------------------------------------------- pipeline throughput

    private void pipeline() throws Exception {
        scratch.activeDrivers(3);
        List<UUID> clients = scratch.insertClients(tasks);
        say("");
        say("### Pipeline: drive-time tasks from request to `completed` in the ledger (simulators at zero latency)");
        say("| drive-time workers | tasks | seconds | tasks/s | seconds to send the requests | worker time per task |");
        say("|---|---|---|---|---|---|");
        List<UUID> warmUp = clients.subList(0, Math.min(500, clients.size()));
        List<Integer> one = List.of(settings.port(Settings.DRIVE_TIME_WORKER));
        // a round of warm-up first, so the figures are not the JIT compilers' work in every process
        throughput(warmUp, one, false);
        throughput(clients, one, true);
        ServiceProcess second = stack.startService(Settings.DRIVE_TIME_WORKER, ScratchStack.freePort(), "drive-time-worker-2", Map.of());
        stack.awaitHealthy(List.of(second), Duration.ofMinutes(2));
        awaitTwoConsumers();
        List<Integer> two = List.of(settings.port(Settings.DRIVE_TIME_WORKER), second.port());
        throughput(warmUp, two, false);
        throughput(clients, two, true);
        cpuNotes.forEach(this::say);
        if (burst <= 0) {
            return;
        }

        List<UUID> burstClients = scratch.insertClients(burst / 2);
        say("");
        say("### Consumer lag of `drive-time-worker` while a burst of " + burstClients.size() * 2 + " tasks drains (two instances)");
        say("| second | lag (records) |");
        say("|---|---|");
        Instant started = Instant.now();
        Thread sender = new Thread(() -> {
            try {
                updateAddresses(burstClients);
                updateAddresses(burstClients);
            }
            catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "burst");
        sender.start();
        long lag;
        int elapsed = 0;
        do {
            Thread.sleep(2000);
            elapsed += 2;
            lag = StatusCommand.lag(settings.kafkaBootstrap()).getOrDefault("drive-time-worker", Map.of())
                    .getOrDefault("task.requested.calculate_drive_times", 0L);
            say("| " + elapsed + " | " + lag + " |");
        }
        while ((sender.isAlive() || lag > 0) && Duration.between(started, Instant.now()).toMinutes() < 10);
        sender.join();
    }

    private void throughput(List<UUID> clients, List<Integer> workers, boolean reported) throws Exception {
        awaitNoDriveTimeLag();
        round++;
        double[] before = workerTime(workers);
        Map<String, Long> cpuBefore = cpu();
        Instant started = Instant.now();
        Timestamped sent = updateAddresses(clients);
        double sending = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        awaitTasks("task_type = 'calculate_drive_times' AND created_at >= '" + sent.from() + "'", clients.size(),
                Duration.ofMinutes(10));
        double elapsed = Duration.between(started, lastCompletion(sent.from())).toMillis() / 1000.0;
        double[] after = workerTime(workers);
        Map<String, Long> cpuAfter = cpu();
        if (!reported) {
            return;
        }
        double perTask = (after[1] - before[1]) / Math.max(1, after[0] - before[0]) * 1000;
        say(String.format(Locale.ROOT, "| %d | %d | %.1f | %.0f | %.1f | %.1f ms |", workers.size(), clients.size(),
                elapsed, clients.size() / elapsed, sending, perTask));
        StringBuilder spent = new StringBuilder();
        long total = 0;
        for (Map.Entry<String, Long> part : cpuAfter.entrySet()) {
            long used = part.getValue() - cpuBefore.getOrDefault(part.getKey(), 0L);
            total += used;
            spent.append(String.format(Locale.ROOT, "%s %.1f ms, ", part.getKey(), used / 1e6 / clients.size()));
        }
        cpuNotes.add(String.format(Locale.ROOT, "CPU time per task with %d drive-time worker(s), from the start of the "
                + "requests to the last completion: %stotal %.1f ms; %d CPUs can do at most %.0f tasks/s at that cost.",
                workers.size(), spent, total / 1e6 / clients.size(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors() * 1e9 * clients.size() / Math.max(1, total)));
    }

    /**
     * CPU time used so far by each part of the stack (nanoseconds): the services, the Kafka broker, PostgreSQL with
     * its backends, and this JVM (the load generator and the simulators).
     */
    private Map<String, Long> cpu() {
        Map<String, Long> used = new LinkedHashMap<>();
        for (ServiceProcess service : stack.services()) {
            if (service.alive()) {
                used.merge(service.name().replaceAll("-\\d+$", ""), cpuOf(service.handle()), Long::sum);
            }
        }
        stack.kafka().handle().ifPresent(kafka -> used.put("kafka", cpuOf(kafka)));
        String data = settings.home().resolve("postgres").toString();
        ProcessHandle.allProcesses().filter(process -> process.info().commandLine().orElse("").contains(data))
                .forEach(postmaster -> used.merge("postgres", cpuOf(postmaster)
                        + postmaster.children().mapToLong(BenchCommand::cpuOf).sum(), Long::sum));
        used.put("bench client and simulators", cpuOf(ProcessHandle.current()));
        return used;
    }

    private static long cpuOf(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** [tasks handled, seconds spent handling them] summed over the drive-time workers on these ports. */
    private static double[] workerTime(List<Integer> ports) throws IOException {
        double[] sums = new double[2];
        for (int port : ports) {
            JsonNode metric = Http.get("http://127.0.0.1:" + port + "/actuator/metrics/tasklane.worker.tasks", null).body();
            for (JsonNode measurement : metric.path("measurements")) {
                switch (measurement.path("statistic").asString()) {
                    case "COUNT" -> sums[0] += measurement.path("value").asDouble();
                    case "TOTAL_TIME" -> sums[1] += measurement.path("value").asDouble();
                    default -> {
                    }
                }
            }
        }
        return sums;
    }

    private record Timestamped(OffsetDateTime from) {
    }

    /** Queues one drive-time task per client by changing its address through the gateway, 16 requests at a time. */
    private Timestamped updateAddresses(List<UUID> clients) throws Exception {
        OffsetDateTime from = scratch.now();
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<?>> calls = new ArrayList<>();
        int version = ++round;
        for (UUID client : clients) {
            inFlight.acquire();
            calls.add(ScratchStack.HTTP.sendAsync(HttpRequest.newBuilder(URI.create(gateway + "/update-client"))
                    .header("Authorization", "Bearer " + user).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"client_id\": \"" + client + "\", \"address\": \""
                            + version + " Bench Ave, Springfield, IL\"}")).build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> inFlight.release()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        return new Timestamped(from);
    }

    /** Earlier benchmarks queue drive-time tasks too: a throughput run starts only once they are done. */
    private void awaitNoDriveTimeLag() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
        while (Instant.now().isBefore(deadline)) {
            long lag = StatusCommand.lag(settings.kafkaBootstrap()).getOrDefault("drive-time-worker", Map.of())
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

    // ---------------------------------------------------------------- failure to notification

    private void notification() throws Exception {
        scratch.activeDrivers(3);
        List<Long> delays = new ArrayList<>();
        HttpRequest stream = HttpRequest.newBuilder(URI.create(gateway + "/task-events?access_token=" + user))
                .header("Accept", "text/event-stream").build();
        HttpResponse<java.io.InputStream> response = ScratchStack.HTTP.send(stream, HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> readFailures(response, delays), "sse");
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(500);
        scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"request_denied\"}");
        try {
            List<UUID> clients = scratch.insertClients(failures);
            for (UUID client : clients) {
                updateAddresses(List.of(client));
                Thread.sleep(20);
            }
            Instant deadline = Instant.now().plusSeconds(60);
            while (delays.size() < failures && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
        }
        finally {
            scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\"}");
            response.body().close();
        }
        long[] sorted;
        synchronized (delays) {
            sorted = delays.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        say("");
        say("### Failure to notification: from the worker recording `failed_at` (right after the simulator refused) to "
                + "the event on a `/task-events` stream through the gateway");
        say(String.format("%d failures: p50 %s, p95 %s, max %s (target: p95 under 1 s).", sorted.length,
                ms(percentile(sorted, 50)), ms(percentile(sorted, 95)), ms(percentile(sorted, 100))));
    }

    private void readFailures(HttpResponse<java.io.InputStream> response, List<Long> delays) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.startsWith("data:")) {
                    continue;
                }
                long arrived = System.currentTimeMillis();
                JsonNode task = Http.JSON.readTree(line.substring(5).trim());
                if ("failed".equals(task.path("status").asString()) && !task.path("failed_at").isNull()) {
                    long failedAt = OffsetDateTime.parse(task.path("failed_at").asString()).toInstant().toEpochMilli();
                    synchronized (delays) {
                        delays.add((arrived - failedAt) * 1_000_000L);
                    }
                }
            }
        }
        catch (IOException | RuntimeException closed) {
            // the benchmark ended the stream
        }
    }

    // ---------------------------------------------------------------- helpers

    private void awaitTasks(String where, int expected, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try (Statement statement = db.createStatement();
                    ResultSet count = statement.executeQuery("SELECT count(*) FROM background_tasks WHERE status IN "
                            + "('completed', 'failed') AND " + where)) {
                count.next();
                if (count.getInt(1) >= expected) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new CliException("the tasks (" + where + ") did not all finish within " + timeout.toSeconds() + " s");
    }

    private Instant lastCompletion(OffsetDateTime from) throws SQLException {
        try (Statement statement = db.createStatement();
                ResultSet last = statement.executeQuery("SELECT max(updated_at) FROM background_tasks WHERE task_type = "
                        + "'calculate_drive_times' AND created_at >= '" + from + "'")) {
            last.next();
            return last.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private static void send(HttpRequest.Builder request) throws IOException, InterruptedException {
        ScratchStack.HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding());
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String ms(long nanos) {
        double millis = nanos / 1e6;
        return millis >= 1000 ? String.format(Locale.ROOT, "%.2f s", millis / 1000)
                : String.format(Locale.ROOT, "%.1f ms", millis);
    }
}
