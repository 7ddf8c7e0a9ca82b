package dev.tasklane.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Last: Ctrl-C on {@code ./tasklane up} stops the whole stack the other test classes used. */
@Order(Integer.MAX_VALUE)
class StackShutdownTests {

    private final RunningStack stack = RunningStack.get();

    @Test
    void ctrlCStopsEverythingLeavingNoProcessAndNoPortBehind() throws Exception {
        List<ProcessHandle> started = stack.process.descendants().toList();
        assertThat(started.stream().map(process -> process.info().commandLine().orElse("")))
                .as("the broker and the gateway (the crash tests kill a worker and the ledger)")
                .anyMatch(line -> line.contains("local-kafka")).anyMatch(line -> line.contains("/api-gateway/target/"));

        new ProcessBuilder("kill", "-INT", String.valueOf(stack.process.pid())).start().waitFor();

        assertThat(stack.process.waitFor(120, TimeUnit.SECONDS)).as("stopped within 2 minutes").isTrue();
        assertThat(stack.output).anySatisfy(line -> assertThat(line).matches(
                "tasklane          \\| Stopped in [0-9.]+ s; nothing is left running\\."));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(started).noneMatch(ProcessHandle::isAlive));
        assertThat(ProcessHandle.allProcesses().filter(process -> process.info().commandLine().orElse("")
                .contains(stack.home.toString()))).as("no process still uses the stack's data").isEmpty();
        for (Map.Entry<String, String> port : stack.environment.entrySet()) {
            if (port.getKey().endsWith("_PORT")) {
                assertThat(listening(Integer.parseInt(port.getValue()))).as(port.getKey() + " " + port.getValue()).isFalse();
            }
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }
}
