package dev.tasklane.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

import dev.tasklane.cli.stack.LocalStack;
import dev.tasklane.cli.stack.ServiceProcess;
import dev.tasklane.cli.stack.Settings;

/**
 * The CPU time and resident memory of each part of the bench's stack: the services (instances of one summed), the
 * Kafka brokers, PostgreSQL with its backends, and the bench's own JVM (the load generator and the simulators).
 */
final class PartUsage {

    static final String BENCH_PART = "bench client and simulators";

    private final LocalStack stack;
    private final Settings settings;

    PartUsage(LocalStack stack, Settings settings) {
        this.stack = stack;
        this.settings = settings;
    }

    /** CPU time used so far by each part of the stack (nanoseconds). */
    Map<String, Long> cpu() {
        Map<String, Long> used = byJvm(PartUsage::cpuOf);
        String data = settings.home().resolve("postgres").toString();
        ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().orElse("").contains(data))
                .forEach(postmaster -> used.merge(
                        "postgres",
                        cpuOf(postmaster)
                                + postmaster
                                        .children()
                                        .mapToLong(PartUsage::cpuOf)
                                        .sum(),
                        Long::sum));
        used.put(BENCH_PART, cpuOf(ProcessHandle.current()));
        return used;
    }

    /** Resident memory of each JVM of the stack (Linux's VmRSS), by part; PostgreSQL's backends share theirs. */
    Map<String, Long> residentMegabytes() {
        Map<String, Long> resident = byJvm(PartUsage::residentMegabytes);
        resident.put(BENCH_PART, residentMegabytes(ProcessHandle.current()));
        return resident;
    }

    /** {@code measure} of each service (instances of one summed) and of the Kafka brokers (summed), by part. */
    private Map<String, Long> byJvm(ToLongFunction<ProcessHandle> measure) {
        Map<String, Long> parts = new LinkedHashMap<>();
        for (ServiceProcess service : stack.services()) {
            if (service.alive()) {
                parts.merge(service.name().replaceAll("-\\d+$", ""), measure.applyAsLong(service.handle()), Long::sum);
            }
        }
        stack.kafka()
                .nodes()
                .forEach(node ->
                        node.handle().ifPresent(kafka -> parts.merge("kafka", measure.applyAsLong(kafka), Long::sum)));
        return parts;
    }

    static long residentMegabytes(ProcessHandle process) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .findFirst()
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024)
                    .orElse(0L);
        } catch (IOException e) {
            return 0L;
        }
    }

    private static long cpuOf(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** What each part used between two {@link #cpu()} totals (nanoseconds), in the order of {@code after}. */
    static Map<String, Long> spent(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> spent = new LinkedHashMap<>();
        after.forEach((part, total) -> spent.put(part, total - before.getOrDefault(part, 0L)));
        return spent;
    }

    /** The CPU time of Tasklane's own processes: every part but the bench's load generator and the simulators. */
    static long tasklaneOwn(Map<String, Long> spent) {
        return spent.entrySet().stream()
                .filter(part -> !part.getKey().equals(BENCH_PART))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    static String perTaskList(Map<String, Long> spent, int tasks) {
        List<String> parts = new ArrayList<>();
        spent.forEach((part, used) ->
                parts.add(String.format(Locale.ROOT, "%s %.1f ms", part, used / 1e6 / Math.max(1, tasks))));
        return String.join(", ", parts);
    }
}
