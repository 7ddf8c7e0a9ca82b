package dev.tasklane.cli.load;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The bench's and chaos's one load generator keeps its schedule whatever the server does. */
class LoadTests {

    @Test
    void requestsGoOutOnScheduleWhileEarlierOnesAreStillUnanswered() throws Exception {
        ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
        CountDownLatch answer = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService threads = Executors.newCachedThreadPool();
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            arrivals.add(System.nanoTime());
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = exchange.getRequestURI().getPath().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            CompletableFuture<List<Load.Answer>> sent = Load.send(
                    10, 20, i -> HttpRequest.newBuilder(URI.create(base + i)).build());

            // a closed loop would wait for the first answer, which the server holds back until all ten have come
            await().atMost(Duration.ofSeconds(5)).until(() -> arrivals.size() == 10);
            long held = System.nanoTime();
            answer.countDown();
            List<Load.Answer> answers = sent.get(10, TimeUnit.SECONDS);

            long first = arrivals.stream().min(Long::compare).orElseThrow();
            long last = arrivals.stream().max(Long::compare).orElseThrow();
            assertThat(Duration.ofNanos(last - first))
                    .as("ten requests at 20/s span 450 ms")
                    .isGreaterThan(Duration.ofMillis(350));
            assertThat(answers).hasSize(10).allSatisfy(one -> {
                assertThat(one.status()).isEqualTo(200);
                assertThat(one.body()).isEqualTo("/" + one.index());
            });
            Load.Answer firstDue = answers.stream()
                    .min(Comparator.comparingInt(Load.Answer::index))
                    .orElseThrow();
            assertThat(firstDue.due()).as("timed from when it was due").isLessThanOrEqualTo(first);
            assertThat(firstDue.finished()).isGreaterThanOrEqualTo(held);
        } finally {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    @Test
    void aRequestNobodyAnswersCountsAsAnErrorWithItsCause() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        List<Load.Answer> answers = Load.send(
                        2,
                        50,
                        i -> HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closed + "/"))
                                .build())
                .get(10, TimeUnit.SECONDS);

        assertThat(answers).hasSize(2).allSatisfy(one -> {
            assertThat(one.status()).isZero();
            assertThat(one.body()).contains("ConnectException");
        });
    }

    @Test
    void percentileIsTheNearestRankAndZeroWhenEmpty() {
        long[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};

        assertThat(Load.percentile(sorted, 50)).isEqualTo(50);
        assertThat(Load.percentile(sorted, 95)).isEqualTo(100);
        assertThat(Load.percentile(sorted, 100)).isEqualTo(100);
        assertThat(Load.percentile(new long[0], 99)).isZero();
    }
}
