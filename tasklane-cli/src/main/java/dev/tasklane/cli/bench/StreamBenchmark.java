package dev.tasklane.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.DoubleStream;

import dev.tasklane.cli.CliException;
import dev.tasklane.cli.Tokens;
import dev.tasklane.cli.load.Load;
import dev.tasklane.cli.stack.ScratchStack;
import dev.tasklane.cli.stack.Settings;

/**
 * {@code ./tasklane bench --only streams}: {@code --streams} open dashboards (ten per person, the most the gateway
 * allows one person) on one gateway. It measures add-client at 50 requests a second with none open and with all of
 * them open, {@code /actuator/health} meanwhile, how soon each stream gets its person's failure, and what the logs
 * say when every one of them drops at once.
 */
final class StreamBenchmark {

    private static final int PER_PERSON = 10;
    private static final int RATE = 50;

    private final ScratchStack scratch;
    private final Consumer<String> say;
    private final int streams;
    private final int seconds;

    StreamBenchmark(BenchRun run, int streams, int seconds) {
        this.scratch = run.scratch;
        this.say = run::say;
        this.streams = streams;
        this.seconds = seconds;
    }

    void run() throws Exception {
        scratch.activeDrivers(3);
        int people = Math.max(1, streams / PER_PERSON);
        List<String> tokens = new ArrayList<>();
        List<String> personTokens = new ArrayList<>();
        for (int person = 0; person < people; person++) {
            String token = Tokens.mint(
                    UUID.randomUUID(), "user", "Office PC " + person, Duration.ofHours(4), scratch.stack.secret());
            personTokens.add(token);
            for (int tab = 0; tab < PER_PERSON && tokens.size() < streams; tab++) {
                tokens.add(token);
            }
        }
        say.accept("");
        say.accept("### " + String.format(Locale.ROOT, "%,d", tokens.size()) + " open `/task-events` streams on one "
                + "gateway (" + people + " people × " + PER_PERSON + " tabs)");
        // warm-up: the JIT compilers are done before the first figure
        Load.addClients(scratch, RATE, 30);
        Load.Result without = Load.addClients(scratch, RATE, seconds);
        long healthWithout = health();
        long residentBefore = gatewayResidentMegabytes();

        long opening = System.nanoTime();
        try (StreamCrowd crowd = new StreamCrowd("127.0.0.1", scratch.settings.port(Settings.GATEWAY))) {
            crowd.open(tokens, 256, Duration.ofMinutes(5));
            double openSeconds = (System.nanoTime() - opening) / 1e9;
            long gatewayStreams = openStreams();
            long residentWith = gatewayResidentMegabytes();
            Metrics gcBefore = Metrics.scrape(scratch.gateway);
            Load.Result with = Load.addClients(scratch, RATE, seconds);
            long healthWith = health();
            Metrics gcAfter = Metrics.scrape(scratch.gateway);

            say.accept("| | add-client p50 | p95 | p99 | errors | `/actuator/health` |");
            say.accept("|---|---|---|---|---|---|");
            say.accept(row("no streams open", without, healthWithout));
            say.accept(row(String.format(Locale.ROOT, "%,d streams open", crowd.ready()), with, healthWith));
            say.accept(String.format(
                    Locale.ROOT,
                    "Opening them took %.1f s (%d refused); the gateway counted %,d open. "
                            + "add-client p99 with them open = %.2f × without (target: within 2 ×). The gateway's resident "
                            + "memory: %d MB before, %d MB with them open (%.0f KB a stream).",
                    openSeconds,
                    crowd.refused(),
                    gatewayStreams,
                    (double) with.p99() / Math.max(1, without.p99()),
                    residentBefore,
                    residentWith,
                    (residentWith - residentBefore) * 1024.0 / Math.max(1, crowd.ready())));
            say.accept(String.format(
                    Locale.ROOT,
                    "Where the time went meanwhile: the gateway's garbage collector paused "
                            + "%d times, %.0f ms in all, the longest %.0f ms.",
                    Math.round(gcAfter.sum("jvm_gc_pause_seconds_count", "")
                            - gcBefore.sum("jvm_gc_pause_seconds_count", "")),
                    1000 * (gcAfter.sum("jvm_gc_pause_seconds_sum", "") - gcBefore.sum("jvm_gc_pause_seconds_sum", "")),
                    1000 * gcAfter.max("jvm_gc_pause_seconds_max")));

            failures(crowd, personTokens);
            disconnect(crowd);
        }
    }

    /** One add-client per person while Google refuses: each person's ten streams must hear of their failure. */
    private void failures(StreamCrowd crowd, List<String> personTokens) throws Exception {
        String ledger = "http://127.0.0.1:" + scratch.settings.port(Settings.LEDGER);
        Metrics sentBefore = Metrics.scrape(ledger);
        scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"request_denied\"}");
        try {
            Load.send(
                            personTokens.size(),
                            100,
                            person -> scratch.addClientRequest(
                                    personTokens.get(person), "Stream client " + person, ScratchStack.address()))
                    .get();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (crowd.failuresSeen() < crowd.ready() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        } finally {
            scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\"}");
        }
        long[] delays = Arrays.stream(crowd.failureDelays())
                .filter(delay -> delay >= 0)
                .sorted()
                .toArray();
        long within = Arrays.stream(delays).filter(delay -> delay <= 1000).count();
        say.accept(String.format(
                Locale.ROOT,
                "Failures: one add-client per person at 100/s while Google refused; %,d of "
                        + "%,d streams got their person's failure, %,d within 1 s of the worker recording it: p50 %d ms, p99 %d "
                        + "ms, max %d ms.",
                delays.length,
                crowd.ready(),
                within,
                Load.percentile(delays, 50),
                Load.percentile(delays, 99),
                Load.percentile(delays, 100)));
        Metrics sentAfter = Metrics.scrape(ledger);
        say.accept(String.format(
                Locale.ROOT,
                "The ledger sent the gateway %,.0f task and %,.0f incident events meanwhile.",
                sentAfter.sum(SENT, "event=\"task\"") - sentBefore.sum(SENT, "event=\"task\""),
                sentAfter.sum(SENT, "event=\"incident\"") - sentBefore.sum(SENT, "event=\"incident\"")));
    }

    private static final String SENT = "tasklane_ledger_stream_events_total";

    /** A service's Prometheus figures, summed over their tags. */
    private record Metrics(String body) {

        static Metrics scrape(String service) throws IOException, InterruptedException {
            return new Metrics(ScratchStack.HTTP
                    .send(
                            HttpRequest.newBuilder(URI.create(service + "/actuator/prometheus"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
        }

        /** The sum of {@code name}'s series whose tags contain {@code tag}. */
        double sum(String name, String tag) {
            return values(name, tag).sum();
        }

        double max(String name) {
            return values(name, "").max().orElse(0);
        }

        private DoubleStream values(String name, String tag) {
            Matcher series = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.E+-]+)$")
                    .matcher(body);
            DoubleStream.Builder values = DoubleStream.builder();
            while (series.find()) {
                if (series.group(1) == null ? tag.isEmpty() : series.group(1).contains(tag)) {
                    values.add(Double.parseDouble(series.group(2)));
                }
            }
            return values.build();
        }
    }

    /** Every stream drops at once; the gateway notices on its next writes (the ledger's heartbeats). */
    private void disconnect(StreamCrowd crowd) throws Exception {
        Path gatewayLog = scratch.settings.home().resolve("logs").resolve("api-gateway.log");
        Path ledgerLog = scratch.settings.home().resolve("logs").resolve("task-ledger.log");
        long gatewayFrom = Files.size(gatewayLog);
        long ledgerFrom = Files.size(ledgerLog);
        long dropped = System.nanoTime();
        crowd.resetAll();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long left = openStreams();
        while (left > 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            left = openStreams();
        }
        double gone = (System.nanoTime() - dropped) / 1e9;
        // the gateway sums up ended streams once a minute: wait for its next line
        Thread.sleep(62_000);
        List<String> gatewayLines = linesFrom(gatewayLog, gatewayFrom);
        List<String> ledgerLines = linesFrom(ledgerLog, ledgerFrom);
        say.accept(String.format(
                Locale.ROOT,
                "Mass disconnect: all %,d reset at once; the gateway counted %d open after "
                        + "%.0f s. Log lines written meanwhile: gateway %d (%d ERROR, %d stack-trace lines; summary: %s), ledger "
                        + "%d (%d ERROR, %d stack-trace lines).",
                crowd.ready(),
                left,
                gone,
                gatewayLines.size(),
                count(gatewayLines, " ERROR "),
                count(gatewayLines, "\tat "),
                summary(gatewayLines),
                ledgerLines.size(),
                count(ledgerLines, " ERROR "),
                count(ledgerLines, "\tat ")));
    }

    private static String row(String label, Load.Result result, long healthNanos) {
        return String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %d | %s |",
                label,
                BenchRun.ms(result.p50()),
                BenchRun.ms(result.p95()),
                BenchRun.ms(result.p99()),
                result.errors(),
                BenchRun.ms(healthNanos));
    }

    /** The slowest of ten health checks, or a very long time if one did not answer 200. */
    private long health() throws Exception {
        long slowest = 0;
        for (int i = 0; i < 10; i++) {
            long start = System.nanoTime();
            HttpResponse<String> answer = ScratchStack.HTTP.send(
                    HttpRequest.newBuilder(URI.create(scratch.gateway + "/actuator/health"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new CliException("the gateway's health answered " + answer.statusCode() + ": " + answer.body());
            }
            slowest = Math.max(slowest, System.nanoTime() - start);
        }
        return slowest;
    }

    private long gatewayResidentMegabytes() {
        return scratch.stack.services().stream()
                .filter(service -> service.name().equals("api-gateway"))
                .mapToLong(service -> PartUsage.residentMegabytes(service.handle()))
                .sum();
    }

    private long openStreams() throws IOException, InterruptedException {
        return Math.round(Metrics.scrape(scratch.gateway).sum("tasklane_gateway_streams", ""));
    }

    private static List<String> linesFrom(Path log, long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(
                        all,
                        (int) Math.min(from, all.length),
                        (int) Math.max(0, all.length - from),
                        java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .toList();
    }

    private static long count(List<String> lines, String text) {
        return lines.stream().filter(line -> line.contains(text)).count();
    }

    private static String summary(List<String> lines) {
        return lines.stream()
                .filter(line -> line.contains("task event stream(s) ended"))
                .map(line -> "\"" + line.substring(line.indexOf(": ") + 2).strip() + "\"")
                .findFirst()
                .orElse("none");
    }
}
