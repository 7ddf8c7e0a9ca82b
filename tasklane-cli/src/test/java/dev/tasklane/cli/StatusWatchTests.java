package dev.tasklane.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.tasklane.cli.stack.Settings;
import dev.tasklane.cli.status.Watch;
import dev.tasklane.testsupport.HttpJson;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ./tasklane status --watch} against the running stack: a frame read before and after a burst of clients shows
 * the tasks requested and completed per second per type, the consumer groups' lag and the breakers; during a Google
 * outage it shows Google's breaker open; the command itself draws frames and ends cleanly when interrupted.
 */
@Order(4)
class StatusWatchTests {

    private final RunningStack stack = RunningStack.get();

    private Watch watch() {
        Map<String, String> services = new LinkedHashMap<>();
        services.put("api-gateway", "http://localhost:" + stack.port(Settings.GATEWAY));
        services.put("task-ledger", "http://localhost:" + stack.port(Settings.LEDGER));
        services.put("drive-time-worker", "http://localhost:" + stack.port(Settings.DRIVE_TIME_WORKER));
        services.put("quo-sync-worker", "http://localhost:" + stack.port(Settings.QUO_SYNC_WORKER));
        return new Watch(new Watch.Targets(
                services,
                services.get("api-gateway"),
                services.get("task-ledger"),
                stack.tokens.get("supervisor"),
                "127.0.0.1:" + stack.port(Settings.KAFKA)));
    }

    private List<String> addClients(int count, String name) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpJson.Response added = stack.gateway()
                    .post(
                            "/add-client",
                            stack.tokens.get("user"),
                            "{\"name\": \"" + name + " " + i + "\", \"phone\": \"+1217555"
                                    + String.format("%04d", 3000 + i) + "\", \"address\": \"" + i
                                    + " Watch St, Springfield, IL\"}");
            assertThat(added.status()).as(added.body().toString()).isEqualTo(200);
            ids.add(added.body().path("client_id").asString());
        }
        return ids;
    }

    @Test
    void aFrameAfterABurstShowsTheRatesPerTypeTheLagAndTheBreakers() {
        Watch watch = watch();
        Watch.Snapshot before = watch.take();
        addClients(12, "Burst Client");
        Watch.Snapshot after = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        watch::take,
                        now -> now.completed().getOrDefault("calculate_drive_times", 0.0)
                                                - before.completed().getOrDefault("calculate_drive_times", 0.0)
                                        >= 12
                                && now.completed().getOrDefault("sync_quo", 0.0)
                                                - before.completed().getOrDefault("sync_quo", 0.0)
                                        >= 12);

        assertThat(after.requested().get("calculate_drive_times")
                        - before.requested().get("calculate_drive_times"))
                .as("the gateway relayed the burst's drive-time requests")
                .isGreaterThanOrEqualTo(12);
        String frame = Watch.render(before, after);
        assertThat(frame.lines()).allMatch(line -> line.length() <= Watch.WIDTH);
        assertThat(frame)
                .contains("api-gateway UP", "task-ledger UP", "drive-time-worker UP", "quo-sync-worker UP")
                .containsPattern("(?m)^  calculate_drive_times +[1-9][0-9]*\\.[0-9] +[1-9][0-9]*\\.[0-9] +0\\.0 ")
                .containsPattern("(?m)^  sync_quo +[1-9][0-9]*\\.[0-9] +[1-9][0-9]*\\.[0-9] ")
                .containsPattern("(?m)^  drive-time-worker +task\\.requested\\.calculate_drive_times +[0-9]+$")
                .contains("task-ledger-projection", "Outbox: 0 rows waiting")
                .contains("google-distance-matrix CLOSED", "quo CLOSED");
    }

    @Test
    void duringAGoogleOutageTheFrameShowsItsBreakerOpen() {
        HttpJson google = stack.distanceMatrixSimulator();
        google.post("/_sim/mode", null, "{\"mode\": \"server_error\"}");
        try {
            addClients(3, "Outage Client");
            Watch watch = watch();
            Watch.Snapshot open = await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(watch::take, now -> "open".equals(now.breakers().get("google-distance-matrix")));
            assertThat(Watch.render(null, open))
                    .contains("google-distance-matrix OPEN", "quo CLOSED")
                    .as("the first frame has no rates yet")
                    .containsPattern("(?m)^  calculate_drive_times +- +- +- ");
        } finally {
            google.post("/_sim/mode", null, "{\"mode\": \"ok\"}");
        }
    }

    @Test
    void theCommandDrawsFramesUntilItIsInterruptedAndEndsWithoutATrace() throws Exception {
        Path console = Files.createTempFile(Path.of("target").toAbsolutePath(), "status-watch", ".txt");
        ProcessBuilder builder = new ProcessBuilder(
                        stack.root.resolve("tasklane").toString(), "status", "--watch", "--interval", "1")
                .directory(stack.root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(console.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("TASKLANE_"));
        builder.environment().put("TASKLANE_HOME", stack.home.toString());
        Process watching = builder.start();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Files.readString(console).split("Dead-lettered records:", -1).length > 2);
        watching.destroy();
        assertThat(watching.waitFor(10, TimeUnit.SECONDS))
                .as("it ends when interrupted")
                .isTrue();
        List<String> output = Files.readAllLines(console);
        assertThat(output).as(String.join("\n", output)).anyMatch(line -> line.startsWith("Tasklane at "));
        assertThat(output).noneMatch(line -> line.contains("Exception") || line.contains("\tat "));
        assertThat(output).allMatch(line -> line.length() <= Watch.WIDTH);
    }
}
