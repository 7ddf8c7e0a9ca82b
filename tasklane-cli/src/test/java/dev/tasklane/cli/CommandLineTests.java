package dev.tasklane.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./tasklane bench} and {@code ./tasklane chaos} check their arguments before they start a stack of their own
 * (which takes a minute and leaves data under {@code target/}): a wrong one is refused at once, naming the option and
 * the values it takes.
 */
class CommandLineTests {

    private record Run(int exitCode, String err) {}

    private static Run run(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Run(Tasklane.execute(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    private static long scratchStacks(String name) throws Exception {
        Path target = Path.of(System.getenv().getOrDefault("TASKLANE_ROOT", "."), "target");
        if (!Files.isDirectory(target)) {
            return 0;
        }
        try (Stream<Path> entries = Files.list(target)) {
            return entries.filter(entry -> entry.getFileName().toString().startsWith(name + "-"))
                    .count();
        }
    }

    @Test
    void chaosRefusesAnUnknownScenarioBeforeStartingAnything() throws Exception {
        long before = scratchStacks("chaos");
        Run run = run("chaos", "--only", "broker,meteor");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("--only takes broker, broker-of-three, postgres, storms or workers, not 'meteor'");
        assertThat(scratchStacks("chaos")).isEqualTo(before);
    }

    @Test
    void chaosRefusesToKillOneBrokerOfThreeOnAStackOfOne() throws Exception {
        long before = scratchStacks("chaos");
        Run run = run("chaos", "--only", "broker-of-three", "--brokers", "1");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("broker-of-three kills one broker of three: run it with --brokers 3");
        assertThat(scratchStacks("chaos")).isEqualTo(before);
    }

    @Test
    void benchRefusesANumberOfBrokersOtherThanOneOrThree() throws Exception {
        long before = scratchStacks("bench");
        Run run = run("bench", "--brokers", "2");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("--brokers takes 1 or 3");
        assertThat(scratchStacks("bench")).isEqualTo(before);
    }

    @Test
    void chaosRefusesAnOutageOfNoSeconds() {
        Run run = run("chaos", "--outage", "0");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("--clients, --outage and --storm must be at least 1");
    }

    @Test
    void benchRefusesAnUnknownBenchmark() throws Exception {
        long before = scratchStacks("bench");
        Run run = run("bench", "--only", "speed");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("--only takes idle, floor, google, async, latency, pipeline, notify or streams, not 'speed'");
        assertThat(scratchStacks("bench")).isEqualTo(before);
    }

    @Test
    void helpListsChaos() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Tasklane.execute("help")).isZero();
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("chaos").contains("Breaks a Tasklane stack");
    }
}
