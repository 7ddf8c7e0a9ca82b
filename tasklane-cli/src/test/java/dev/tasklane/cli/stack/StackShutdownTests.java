package dev.tasklane.cli.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.tasklane.cli.RunningStack;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Last: {@code ./tasklane up} killed with SIGKILL leaves nothing running, the next {@code up} says what happened, and
 * Ctrl-C on that one stops the whole stack.
 */
@Order(Integer.MAX_VALUE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackShutdownTests {

    private final RunningStack stack = RunningStack.get();

    @Test
    @Order(1)
    void sigkillOfTheCommandStopsEveryProcessItStartedWithinFiveSeconds() throws Exception {
        List<ProcessHandle> started = new ArrayList<>(stack.process
                .descendants()
                .filter(child -> !child.info().commandLine().orElse("").contains(StackWatchdog.ROLE))
                .toList());
        assertThat(started.stream().map(StackWatchdog::describe))
                .as("the broker and the gateway (the crash tests kill a worker and the ledger)")
                .contains("Kafka broker", "api-gateway");
        ProcessHandle postgres = ProcessHandle.of(
                        Long.parseLong(Files.readAllLines(stack.home.resolve("postgres/postmaster.pid"))
                                .get(0)
                                .strip()))
                .orElseThrow();
        started.add(postgres);

        new ProcessBuilder("kill", "-KILL", String.valueOf(stack.process.pid()))
                .start()
                .waitFor();
        long killed = System.nanoTime();

        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(started).noneMatch(StackWatchdog::alive));
        System.out.printf(
                "Every process of the killed ./tasklane up was gone %.1f s after the kill.%n",
                (System.nanoTime() - killed) / 1e9);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.allProcesses()
                        .noneMatch(process ->
                                process.info().commandLine().orElse("").contains(stack.home.toString())));
        assertNoPortListening();
    }

    @Test
    @Order(2)
    void theNextUpSaysWhatHappenedToTheKilledRun() throws Exception {
        stack.upAgain();

        assertThat(stack.output)
                .anySatisfy(line -> assertThat(line)
                        .startsWith("tasklane          | The last run here (pid ")
                        .contains("ended without stopping Tasklane. Its watchdog stopped, at ")
                        .contains("PostgreSQL (pid ")
                        .contains("Kafka broker (pid ")
                        .contains("api-gateway (pid ")
                        .contains("Nothing of it is still running."));
        assertThat(stack.output).noneMatch(line -> line.contains("is already in use"));
        assertThat(stack.gateway().get("/actuator/health", null).status()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void ctrlCStopsEverythingLeavingNoProcessAndNoPortBehind() throws Exception {
        List<ProcessHandle> started = stack.process.descendants().toList();
        assertThat(started.stream().map(StackWatchdog::describe)).contains("Kafka broker", "api-gateway", "watchdog");

        new ProcessBuilder("kill", "-INT", String.valueOf(stack.process.pid()))
                .start()
                .waitFor();

        assertThat(stack.process.waitFor(120, TimeUnit.SECONDS))
                .as("stopped within 2 minutes")
                .isTrue();
        assertThat(stack.output)
                .anySatisfy(line -> assertThat(line)
                        .matches("tasklane          \\| Stopped in [0-9.]+ s; nothing is left running\\."));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(started).noneMatch(StackWatchdog::alive));
        assertThat(ProcessHandle.allProcesses()
                        .filter(process ->
                                process.info().commandLine().orElse("").contains(stack.home.toString())))
                .as("no process still uses the stack's data")
                .isEmpty();
        assertThat(stack.home.resolve(StackWatchdog.RECORD))
                .as("a clean stop leaves no record of leftovers")
                .doesNotExist();
        assertNoPortListening();
    }

    private void assertNoPortListening() {
        for (Map.Entry<String, String> port : stack.environment.entrySet()) {
            if (port.getKey().endsWith("_PORT")) {
                assertThat(listening(Integer.parseInt(port.getValue())))
                        .as(port.getKey() + " " + port.getValue())
                        .isFalse();
            }
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
