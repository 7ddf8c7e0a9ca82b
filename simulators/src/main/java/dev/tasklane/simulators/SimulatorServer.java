package dev.tasklane.simulators;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shared part of the API simulators: an HTTP server on loopback with a control API on the same port.
 *
 * <ul>
 *   <li>{@code POST /_sim/mode {"mode": "...", "count": N, "latency_ms": L, "slow_ms": S}}: the next N requests
 *       behave as {@code mode} (no count: until changed); {@code latency_ms} is added to every request from now on;
 *       {@code slow_ms} is how long the {@code slow} mode waits (default 5000).</li>
 *   <li>{@code GET /_sim/stats}: requests, answers by status, the most requests seen in any one second.</li>
 *   <li>{@code POST /_sim/reset}: back to {@code ok}, no latency, zero counts, empty state.</li>
 * </ul>
 */
public abstract class SimulatorServer implements AutoCloseable {

    protected static final JsonMapper JSON = JsonMapper.builder().build();

    static {
        // The JDK server writes headers and body separately: with Nagle's algorithm on, every kept-alive answer waits
        // for
        // the client's delayed ACK (40 ms on Linux). Read once, when the JDK server's configuration first loads.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, getClass().getSimpleName() + "-http");
        thread.setDaemon(true);
        return thread;
    });

    private String mode = "ok";
    private long remaining = -1;
    private long latencyMillis;
    private long slowMillis = 5000;
    private final AtomicLong requests = new AtomicLong();
    private final Map<String, Long> byStatus = new TreeMap<>();
    private final Deque<Long> lastSecond = new ArrayDeque<>();
    private int maxPerSecond;
    private final Map<String, Deque<Long>> acceptedByKey = new HashMap<>();

    protected SimulatorServer(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Could not listen on port " + port + " (" + e.getMessage() + "): is something else using it?", e);
        }
        server.setExecutor(threads);
        server.createContext("/_sim/", this::control);
        server.createContext("/", exchange -> {
            try {
                countRequest();
                long latency;
                synchronized (this) {
                    latency = latencyMillis;
                }
                sleep(latency);
                handle(exchange);
            } catch (RuntimeException e) {
                respond(exchange, 500, Map.of("error", "simulator failure: " + e.getMessage()));
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** Answers one request of the simulated API. */
    protected abstract void handle(HttpExchange exchange) throws IOException;

    /** The modes this simulator knows, besides {@code ok} and {@code slow}. */
    protected abstract Set<String> modes();

    /** Forgets the simulated API's state (contacts, …). */
    protected void resetState() {}

    /** Extra figures for {@code /_sim/stats}. */
    protected void addStats(Map<String, Object> stats) {}

    /** Extra control endpoints ({@code /_sim/<name>}); false when there is none by that name. */
    protected boolean control(String name, HttpExchange exchange) throws IOException {
        return false;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * The mode this request is answered in, counting it against the mode's {@code count}; a {@code slow} request
     * waits here and is then answered normally.
     */
    protected String takeMode() {
        String current;
        long slow;
        synchronized (this) {
            current = mode;
            slow = slowMillis;
            if (!mode.equals("ok") && remaining > 0 && --remaining == 0) {
                mode = "ok";
                remaining = -1;
            }
        }
        if (current.equals("slow")) {
            sleep(slow);
            return "ok";
        }
        return current;
    }

    /**
     * The mode now, without counting a request against it: for a mode that only some endpoints act on, so that the
     * other endpoints' requests leave its {@code count} alone.
     */
    protected synchronized String currentMode() {
        return mode;
    }

    /**
     * Whether a request with {@code key} now would make more than {@code perSecond} accepted requests of that key in the
     * last second, a sliding window as the real APIs count; if not, it is counted as accepted.
     */
    protected synchronized boolean overQuota(String key, int perSecond) {
        Deque<Long> recent = acceptedByKey.computeIfAbsent(key, k -> new ArrayDeque<>());
        long now = System.nanoTime();
        while (!recent.isEmpty() && now - recent.peekFirst() >= 1_000_000_000L) {
            recent.removeFirst();
        }
        if (recent.size() >= perSecond) {
            return true;
        }
        recent.addLast(now);
        return false;
    }

    /** Records the status an answer carried, for the stats. */
    protected synchronized void recordStatus(String status) {
        byStatus.merge(status, 1L, Long::sum);
    }

    private synchronized void countRequest() {
        requests.incrementAndGet();
        long now = System.nanoTime();
        lastSecond.addLast(now);
        while (!lastSecond.isEmpty() && now - lastSecond.peekFirst() >= 1_000_000_000L) {
            lastSecond.removeFirst();
        }
        maxPerSecond = Math.max(maxPerSecond, lastSecond.size());
    }

    private void control(HttpExchange exchange) throws IOException {
        try {
            String name = exchange.getRequestURI().getPath().substring("/_sim/".length());
            switch (name) {
                case "mode" -> setMode(exchange);
                case "stats" -> respond(exchange, 200, stats());
                case "reset" -> {
                    reset();
                    respond(exchange, 200, Map.of("reset", true));
                }
                default -> {
                    if (!control(name, exchange)) {
                        respond(
                                exchange,
                                404,
                                Map.of(
                                        "error",
                                        "no control endpoint /_sim/" + name
                                                + "; there are /_sim/mode, /_sim/stats, /_sim/reset"));
                    }
                }
            }
        } finally {
            exchange.close();
        }
    }

    private void setMode(HttpExchange exchange) throws IOException {
        JsonNode body = readJson(exchange);
        String requested = body.path("mode").asString("ok");
        if (!requested.equals("ok") && !requested.equals("slow") && !modes().contains(requested)) {
            respond(
                    exchange,
                    400,
                    Map.of(
                            "error",
                            "unknown mode '" + requested + "'; known: ok, slow, " + String.join(", ", modes())));
            return;
        }
        synchronized (this) {
            mode = requested;
            remaining = body.has("count") ? body.get("count").asLong() : -1;
            if (body.has("latency_ms")) {
                latencyMillis = body.get("latency_ms").asLong();
            }
            if (body.has("slow_ms")) {
                slowMillis = body.get("slow_ms").asLong();
            }
        }
        respond(exchange, 200, Map.of("mode", requested, "count", remaining, "latency_ms", latencyMillis));
    }

    private synchronized Map<String, Object> stats() {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("mode", mode);
        stats.put("requests", requests.get());
        stats.put("by_status", new TreeMap<>(byStatus));
        stats.put("max_requests_in_one_second", maxPerSecond);
        stats.put("latency_ms", latencyMillis);
        addStats(stats);
        return stats;
    }

    public synchronized void reset() {
        mode = "ok";
        remaining = -1;
        latencyMillis = 0;
        slowMillis = 5000;
        requests.set(0);
        byStatus.clear();
        lastSecond.clear();
        maxPerSecond = 0;
        acceptedByKey.clear();
        resetState();
    }

    protected static JsonNode readJson(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        }
    }

    protected static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The query parameters of a request, decoded; a repeated name keeps its values joined by '\u0000'. */
    protected static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return parameters;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.merge(name, value, (first, second) -> first + '\u0000' + second);
        }
        return parameters;
    }

    /** How long the {@code slow} mode waits ({@code slow_ms}). */
    protected synchronized long slowMillis() {
        return slowMillis;
    }

    protected static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
