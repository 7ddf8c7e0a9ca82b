package dev.tasklane.cli.load;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import dev.tasklane.cli.stack.ScratchStack;

/**
 * The one open-loop load generator of the bench and chaos: requests go out on schedule whether or not the earlier ones
 * were answered, and each is timed from when it was due, so a stalled sender or server does not hide the wait.
 */
public final class Load {

    /**
     * One request's answer: {@code status} 0 and the error as {@code body} when none came; {@code finished} is when it
     * arrived ({@link System#nanoTime()}), {@code nanos} how long after the request was due.
     */
    public record Answer(int index, int status, String body, long nanos, long finished) {

        /** When the request was due ({@link System#nanoTime()}). */
        public long due() {
            return finished - nanos;
        }
    }

    /** What a load step achieved, its latencies in nanoseconds (from when each request was due) and its errors. */
    public record Result(double achieved, long p50, long p95, long p99, int errors) {}

    private Load() {}

    /**
     * Sends {@code count} requests at {@code rate} a second, request {@code i} built by {@code request} when it is due,
     * and completes with every answer, in the order they arrived.
     */
    public static CompletableFuture<List<Answer>> send(int count, int rate, IntFunction<HttpRequest> request) {
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<?>> calls = new ArrayList<>();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        for (int i = 0; i < count; i++) {
            long due = start + i * interval;
            int index = i;
            CompletableFuture<Void> call = new CompletableFuture<>();
            calls.add(call);
            clock.schedule(
                    () -> ScratchStack.HTTP
                            .sendAsync(request.apply(index), HttpResponse.BodyHandlers.ofString())
                            .whenComplete((response, error) -> {
                                long now = System.nanoTime();
                                answers.add(
                                        error != null
                                                ? new Answer(index, 0, String.valueOf(error), now - due, now)
                                                : new Answer(
                                                        index, response.statusCode(), response.body(), now - due, now));
                                call.complete(null);
                            }),
                    due - System.nanoTime(),
                    TimeUnit.NANOSECONDS);
        }
        clock.shutdown();
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(done -> List.copyOf(answers));
    }

    /** {@code rate} add-clients a second for {@code seconds}, as the scratch stack's demo user; waits for every answer. */
    public static Result addClients(ScratchStack scratch, int rate, int seconds) throws Exception {
        long start = System.nanoTime();
        List<Answer> answers = send(
                        rate * seconds,
                        rate,
                        n -> scratch.addClientRequest("Load " + rate + "-" + n, ScratchStack.address()))
                .get(seconds + 70L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] sorted = answers.stream().mapToLong(Answer::nanos).sorted().toArray();
        return new Result(
                sorted.length / elapsed, percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99), (int)
                        answers.stream()
                                .filter(answer -> answer.status() != 200)
                                .count());
    }

    /** The {@code p}th percentile (nearest rank) of {@code sorted}; 0 when empty. */
    public static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
