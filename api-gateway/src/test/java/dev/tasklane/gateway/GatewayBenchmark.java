package dev.tasklane.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tasklane.localkafka.KafkaBrokerProcess;
import dev.tasklane.testsupport.TestDatabase;
import dev.tasklane.testsupport.TestPostgres;
import dev.tasklane.testsupport.TestTokens;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Latency of {@code POST /add-client} under load, next to the floor: a bare JDBC {@code INSERT … COMMIT} of a client
 * row on the same database. Not a test: run it with {@code api-gateway/benchmark.sh [rate…]} and read the figures.
 *
 * <p>The gateway runs in this JVM against an embedded PostgreSQL 17 with durable settings (fsync and synchronous
 * commit on, as in production) and a Kafka broker in a process of its own. Requests are sent open-loop at a fixed rate (a request's latency counts from when it was due, not from when it was sent, so a stall
 * is not hidden), for {@code SECONDS} per rate, after a warm-up.
 */
public final class GatewayBenchmark {

    private static final int SECONDS = 20;
    private static final int FLOOR_INSERTS = 2000;

    private GatewayBenchmark() {}

    public static void main(String[] args) {
        try {
            measure(args);
            System.exit(0);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void measure(String[] args) throws Exception {
        int[] rates = args.length == 0
                ? new int[] {50, 100, 200}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        TestDatabase database = TestPostgres.newDurableDatabase();
        KafkaBrokerProcess kafka = KafkaBrokerProcess.startNew();
        SpringApplication gateway = new SpringApplication(GatewayApplication.class);
        try (ConfigurableApplicationContext context = gateway.run(
                "--server.port=" + System.getProperty("benchmark.port", "0"),
                "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.user(),
                "--spring.datasource.password=" + database.password(),
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--tasklane.security.jwt.secret=" + TestTokens.SECRET,
                "--logging.level.root=WARN")) {
            int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            URI addClient = URI.create("http://127.0.0.1:" + port + "/add-client");
            String token = TestTokens.user(UUID.randomUUID());
            HttpClient http = HttpClient.newBuilder()
                    .executor(Executors.newFixedThreadPool(16))
                    .build();

            if (Boolean.getBoolean("benchmark.serve")) {
                System.out.println("serving on port " + port + " with token " + token);
                Thread.sleep(Long.MAX_VALUE);
            }
            System.out.println("warming up (60 s)…");
            run(http, addClient, token, 200, 60);
            serverSide(context);
            double floor = floorP50(database);
            System.out.printf(
                    "%nbare INSERT … COMMIT of a client row (floor): p50 %.2f ms over %d inserts%n%n",
                    floor, FLOOR_INSERTS);
            System.out.printf(
                    "%-10s %10s %10s %10s %10s %10s %12s %8s%n",
                    "rate/s", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms", "achieved/s", "errors");
            for (int rate : rates) {
                Result result = run(http, addClient, token, rate, SECONDS);
                System.out.printf(
                        "%-10d %10d %10.2f %10.2f %10.2f %10.2f %12.1f %8d%n",
                        rate,
                        result.latencies.length,
                        result.percentile(50),
                        result.percentile(95),
                        result.percentile(99),
                        result.percentile(100),
                        result.throughput,
                        result.errors);
                System.out.printf(
                        "           p50 / floor = %.1fx; inside the gateway: %s%n",
                        result.percentile(50) / floor, serverSide(context));
            }
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            long waiting = jdbc.queryForObject("SELECT count(*) FROM outbox", Long.class);
            System.out.printf("%noutbox rows still waiting for Kafka at the end: %d%n", waiting);
        } finally {
            kafka.close();
        }
    }

    private record Result(double[] latencies, double throughput, int errors) {

        double percentile(int p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100.0 * latencies.length) - 1;
            return latencies[Math.max(0, Math.min(latencies.length - 1, index))];
        }
    }

    private static Result run(HttpClient http, URI uri, String token, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long intervalNanos = 1_000_000_000L / rate;
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        List<CompletableFuture<?>> pending = new ArrayList<>(total);
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            int n = i;
            CompletableFuture<Void> done = new CompletableFuture<>();
            pending.add(done);
            clock.schedule(
                    () -> {
                        HttpRequest request = HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"Bench Client " + n + "\", "
                                        + "\"phone\": \"+12125550123\", \"email\": \"bench@example.com\", "
                                        + "\"address\": \"" + n + " Benchmark Ave, Springfield\"}"))
                                .build();
                        http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                                .whenComplete((response, failure) -> {
                                    if (failure != null || response.statusCode() != 200) {
                                        errors.incrementAndGet();
                                    }
                                    latencies.add((System.nanoTime() - due) / 1e6);
                                    done.complete(null);
                                });
                    },
                    due - System.nanoTime(),
                    TimeUnit.NANOSECONDS);
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(seconds + 120L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        clock.shutdown();
        double[] sorted =
                latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Result(sorted, total / elapsed, errors.get());
    }

    /** What the gateway itself measured for /add-client since the last call: count and mean. */
    private static String serverSide(ConfigurableApplicationContext context) {
        io.micrometer.core.instrument.Timer timer = context.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .get("http.server.requests")
                .tag("uri", "/add-client")
                .timer();
        long count = timer.count();
        double total = timer.totalTime(TimeUnit.MILLISECONDS);
        double mean = (total - lastTotal) / Math.max(1, count - lastCount);
        lastCount = count;
        lastTotal = total;
        return String.format("mean %.2f ms", mean);
    }

    private static long lastCount;
    private static double lastTotal;

    private static double floorP50(TestDatabase database) throws Exception {
        double[] latencies = new double[FLOOR_INSERTS];
        try (Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
                PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO clients (name, phone, email, address) "
                                + "VALUES (?, '+12125550123', 'floor@example.com', ?)")) {
            for (int i = 0; i < FLOOR_INSERTS; i++) {
                long start = System.nanoTime();
                insert.setString(1, "Floor Client " + i);
                insert.setString(2, i + " Floor St");
                insert.executeUpdate();
                latencies[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(latencies);
        return latencies[FLOOR_INSERTS / 2];
    }
}
