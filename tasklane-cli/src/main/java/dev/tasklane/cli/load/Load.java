package dev.tasklane.cli.load;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tasklane.cli.stack.ScratchStack;

/** An open-loop load of add-clients: requests go out on schedule whether or not the earlier ones were answered. */
public final class Load {

    /** What a load step achieved, its latencies in nanoseconds (from when each request was due) and its errors. */
    public record Result(double achieved, long p50, long p95, long p99, int errors) {}

    private Load() {}

    /** {@code rate} add-clients a second for {@code seconds}, as the scratch stack's demo user. */
    public static Result addClients(ScratchStack scratch, int rate, int seconds) throws Exception {
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
            clock.schedule(
                    () -> {
                        CompletableFuture<HttpResponse<String>> call = ScratchStack.HTTP.sendAsync(
                                scratch.addClientRequest("Load " + rate + "-" + n, ScratchStack.address()),
                                HttpResponse.BodyHandlers.ofString());
                        synchronized (calls) {
                            calls.add(call.whenComplete((response, error) -> {
                                // measured from when the request was due, so a stalled sender does not hide the wait
                                latencies.add(System.nanoTime() - due);
                                if (error != null || response.statusCode() != 200) {
                                    errors.incrementAndGet();
                                }
                            }));
                        }
                    },
                    due - System.nanoTime(),
                    TimeUnit.NANOSECONDS);
        }
        clock.shutdown();
        clock.awaitTermination(seconds + 10L, TimeUnit.SECONDS);
        synchronized (calls) {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                    .exceptionally(e -> null)
                    .get(60, TimeUnit.SECONDS);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Result(
                sorted.length / elapsed,
                percentile(sorted, 50),
                percentile(sorted, 95),
                percentile(sorted, 99),
                errors.get());
    }

    public static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
