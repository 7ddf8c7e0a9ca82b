package dev.tasklane.cli.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.tasklane.cli.CliException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The watchdog on its own, with {@code sleep} standing in for the stack's processes: what a command killed with SIGKILL
 * started is stopped within seconds, and the next start stops what is left and says so.
 */
class StackWatchdogTests {

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        started.forEach(process -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        });
    }

    private Process start(String... command) throws Exception {
        Process process = new ProcessBuilder(command).start();
        started.add(process);
        return process;
    }

    @Test
    void whatAKilledCommandStartedIsStoppedWithinFiveSecondsAndWrittenDown() throws Exception {
        Path home = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "watchdog-");
        // the "command": a shell with a child of its own; the watchdog watches it by pid
        Process command = start("sh", "-c", "sleep 600 & wait");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> command.descendants().findAny().isPresent());
        ProcessHandle child = command.descendants().findFirst().orElseThrow();
        Process detached = start("sleep", "601");
        Process watchdog = start(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StackWatchdog.class.getName(),
                String.valueOf(command.pid()),
                home.resolve(StackWatchdog.RECORD).toString());
        watchdog.getOutputStream().write(("adopt\t" + detached.pid() + "\tINT\tPostgreSQL\n").getBytes());
        watchdog.getOutputStream().flush();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Files.exists(home.resolve(StackWatchdog.RECORD))
                        && Files.readString(home.resolve(StackWatchdog.RECORD)).contains("PostgreSQL"));

        command.destroyForcibly();
        Instant killed = Instant.now();
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !StackWatchdog.alive(child) && !StackWatchdog.alive(detached.toHandle()));
        System.out.printf(
                "The watchdog stopped both %d ms after the kill.%n",
                Duration.between(killed, Instant.now()).toMillis());
        assertThat(watchdog.waitFor(10, TimeUnit.SECONDS))
                .as("the watchdog exits when done")
                .isTrue();
        assertThat(Files.readString(home.resolve(StackWatchdog.RECORD)))
                .contains("watchdog")
                .contains("PostgreSQL")
                .contains("SIGINT")
                .contains("sleep");
    }

    @Test
    void theNextStartStopsWhatIsStillRunningFromAKilledRunAndSaysSo() throws Exception {
        Path home = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "leftovers-");
        Process gone = start("true");
        gone.waitFor();
        Process leftover = start("sleep", "602");
        Files.write(
                home.resolve(StackWatchdog.RECORD),
                List.of(
                        "# a run killed together with its watchdog",
                        StackWatchdog.Entry.of("command", gone.toHandle(), "TERM", "./tasklane", "")
                                .line(),
                        StackWatchdog.Entry.of("process", leftover.toHandle(), "TERM", "api-gateway", "")
                                .line()));
        List<String> said = new ArrayList<>();

        StackWatchdog.dealWithLeftovers(home, said::add);

        assertThat(leftover.waitFor(5, TimeUnit.SECONDS)).as("stopped").isTrue();
        assertThat(said)
                .singleElement()
                .asString()
                .contains("ended without stopping Tasklane")
                .contains("Still running from it, now stopped: api-gateway (pid " + leftover.pid() + ", SIGTERM)");
        assertThat(home.resolve(StackWatchdog.RECORD)).doesNotExist();
        StackWatchdog.dealWithLeftovers(home, said::add);
        assertThat(said).as("nothing more to say").hasSize(1);
    }

    @Test
    void aRunStillGoingIsNotTouchedAndTheNewStartRefusesToGoOn() throws Exception {
        Path home = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "running-");
        Process service = start("sleep", "603");
        Files.write(
                home.resolve(StackWatchdog.RECORD),
                List.of(
                        StackWatchdog.Entry.of("command", ProcessHandle.current(), "TERM", "./tasklane", "")
                                .line(),
                        StackWatchdog.Entry.of("process", service.toHandle(), "TERM", "api-gateway", "")
                                .line()));

        assertThatThrownBy(() -> StackWatchdog.dealWithLeftovers(home, message -> {}))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("already running")
                .hasMessageContaining("kill -INT " + ProcessHandle.current().pid());
        assertThat(service.isAlive()).isTrue();
    }
}
