package dev.tasklane.gateway.streams;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers {@code /task-events} the way the ledger does, so the gateway's streaming is what is under test: a live stream
 * per request that starts with {@code ready} (id 100) and carries what the test pushes to the token's subject; with
 * {@code until=ready}, the events missed since {@code Last-Event-ID} (those the test set) and {@code ready}, then the
 * end. Subjects in {@link #refused} are answered 401 with a JSON error, as the ledger answers an expired token.
 */
final class LedgerStreamStandIn implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One request that reached the stand-in. */
    record Request(String subject, String lastEventId, String query) {}

    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Map<String, String> missed = new ConcurrentHashMap<>();
    final Map<String, Boolean> refused = new ConcurrentHashMap<>();
    private final Map<String, List<OutputStream>> live = new ConcurrentHashMap<>();
    private final HttpServer server;

    LedgerStreamStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/task-events", this::answer);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange) throws IOException {
        String token = exchange.getRequestHeaders().getFirst("Authorization").substring("Bearer ".length());
        String subject = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]))
                .get("sub")
                .asString();
        String query = exchange.getRequestURI().getQuery();
        requests.add(new Request(subject, exchange.getRequestHeaders().getFirst("Last-Event-ID"), query));
        if (refused.containsKey(subject)) {
            byte[] body = "{\"success\":false,\"error\":\"unauthorized\",\"message\":\"The token has expired.\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        if ("until=ready".equals(query)) {
            out.write(missed.getOrDefault(subject, "").getBytes(StandardCharsets.UTF_8));
            out.write("event:ready\nid:100\ndata:{\"change_seq\":100}\n\n".getBytes(StandardCharsets.UTF_8));
            exchange.close();
            return;
        }
        out.write("event:ready\nid:100\ndata:{\"change_seq\":100}\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        live.computeIfAbsent(subject, key -> new CopyOnWriteArrayList<>()).add(out);
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends a task event, as the ledger would, on every live stream opened with a token of {@code subject}. */
    void push(String subject, long id, String taskId, String status) {
        byte[] event = ("event:task\nid:" + id + "\ndata:{\"id\":\"" + taskId + "\",\"status\":\"" + status + "\"}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        for (OutputStream out : live.getOrDefault(subject, List.of())) {
            try {
                out.write(event);
                out.flush();
            } catch (IOException gone) {
                live.get(subject).remove(out);
            }
        }
    }

    long streamsOpenedFor(String subject) {
        return requests.stream()
                .filter(request -> request.subject().equals(subject) && request.query() == null)
                .count();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
