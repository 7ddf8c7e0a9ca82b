package dev.tasklane.simulators.distancematrix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import dev.tasklane.simulators.SimulatorServer;

/**
 * Google Maps Distance Matrix API on loopback, as its responses are documented and recorded (see
 * {@code src/test/resources/fixtures/google-distance-matrix}): {@code GET /maps/api/distancematrix/json} with
 * pipe-separated {@code origins} and {@code destinations} and a {@code key}, top-level and element statuses, and
 * {@code error_message}. It enforces the real limits (25 origins, 25 destinations, 100 elements per request) and
 * computes plausible, deterministic distances and durations from the address texts. Addresses containing
 * {@code [not found]}, {@code [no route]} or {@code [too far]} give the element statuses {@code NOT_FOUND},
 * {@code ZERO_RESULTS} and {@code MAX_ROUTE_LENGTH_EXCEEDED}. With a quota (requests per second per key, as a project's
 * quota in Google Cloud console), a request beyond it in any sliding second is answered {@code OVER_QUERY_LIMIT}, as
 * Google does; without one (the default, for benchmarks) every request is served.
 *
 * <p>{@code POST /_sim/replay?status=200} with a body queues that exact answer for the next request (to check a
 * client against recorded responses). Modes ({@code POST /_sim/mode}): {@code ok}, {@code over_query_limit} (status OVER_QUERY_LIMIT),
 * {@code request_denied} (status REQUEST_DENIED), {@code server_error} (HTTP 500), {@code slow}.
 */
public class DistanceMatrixSimulator extends SimulatorServer {

    public static final String PATH = "/maps/api/distancematrix/json";
    static final int MAX_ORIGINS = 25;
    static final int MAX_DESTINATIONS = 25;
    static final int MAX_ELEMENTS = 100;

    private final int defaultQuotaPerSecond;
    private volatile int quotaPerSecond;
    private final AtomicLong elements = new AtomicLong();
    private final java.util.Deque<Replay> replays = new java.util.concurrent.ConcurrentLinkedDeque<>();

    /** A canned answer for the next request: {@code POST /_sim/replay?status=200} with the body to send. */
    private record Replay(int status, byte[] body) {}

    /** A simulator without a quota. */
    public DistanceMatrixSimulator(int port) {
        this(port, 0);
    }

    /** A simulator that answers {@code OVER_QUERY_LIMIT} beyond {@code quotaPerSecond} requests a second per key (0: none). */
    public DistanceMatrixSimulator(int port, int quotaPerSecond) {
        super(port);
        this.defaultQuotaPerSecond = quotaPerSecond;
        this.quotaPerSecond = quotaPerSecond;
    }

    /** Enforces {@code perSecond} requests per key in any sliding second from now on (0: none), until {@link #reset()}. */
    public void quotaPerSecond(int perSecond) {
        this.quotaPerSecond = perSecond;
    }

    @Override
    protected Set<String> modes() {
        return Set.of("over_query_limit", "request_denied", "server_error");
    }

    @Override
    protected void resetState() {
        quotaPerSecond = defaultQuotaPerSecond;
        elements.set(0);
        replays.clear();
    }

    @Override
    protected boolean control(String name, HttpExchange exchange) throws IOException {
        if (!name.equals("replay")) {
            return false;
        }
        String status = query(exchange).getOrDefault("status", "200");
        replays.addLast(
                new Replay(Integer.parseInt(status), exchange.getRequestBody().readAllBytes()));
        respond(exchange, 200, Map.of("queued", replays.size()));
        return true;
    }

    @Override
    protected void addStats(Map<String, Object> stats) {
        stats.put("elements", elements.get());
        stats.put("quota_per_second", quotaPerSecond);
    }

    @Override
    protected void handle(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals(PATH)) {
            respond(exchange, 404, Map.of("error", "the Distance Matrix simulator answers " + PATH));
            return;
        }
        Replay replay = replays.pollFirst();
        if (replay != null) {
            recordStatus("REPLAY");
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
            exchange.sendResponseHeaders(replay.status(), replay.body().length);
            exchange.getResponseBody().write(replay.body());
            return;
        }
        Map<String, String> query = query(exchange);
        String key = query.get("key");
        if (key == null || key.isBlank()) {
            error(
                    exchange,
                    "REQUEST_DENIED",
                    "You must use an API key to authenticate each request to Google Maps "
                            + "Platform APIs. For additional information, please refer to http://g.co/dev/maps-no-account");
            return;
        }
        if (!key.startsWith("AIza")) {
            error(exchange, "REQUEST_DENIED", "The provided API key is invalid.");
            return;
        }
        int quota = quotaPerSecond;
        if (quota > 0 && overQuota(key, quota)) {
            error(exchange, "OVER_QUERY_LIMIT", "You have exceeded your rate-limit for this API.");
            return;
        }
        String mode = takeMode();
        switch (mode) {
            case "over_query_limit" -> {
                error(exchange, "OVER_QUERY_LIMIT", "You have exceeded your rate-limit for this API.");
                return;
            }
            case "request_denied" -> {
                error(exchange, "REQUEST_DENIED", "This API project is not authorized to use this API.");
                return;
            }
            case "server_error" -> {
                recordStatus("HTTP_500");
                byte[] body = "<html><body>500 Internal Server Error</body></html>".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html");
                exchange.sendResponseHeaders(500, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            default -> {
                // ok
            }
        }
        List<String> origins = places(query.get("origins"));
        List<String> destinations = places(query.get("destinations"));
        if (origins.isEmpty() || destinations.isEmpty()) {
            error(
                    exchange,
                    "INVALID_REQUEST",
                    "Invalid request. Missing the '" + (origins.isEmpty() ? "origins" : "destinations")
                            + "' parameter.");
            return;
        }
        if (origins.size() > MAX_ORIGINS || destinations.size() > MAX_DESTINATIONS) {
            error(
                    exchange,
                    "MAX_DIMENSIONS_EXCEEDED",
                    "The request contains more than 25 origins or more than 25 destinations.");
            return;
        }
        if (origins.size() * destinations.size() > MAX_ELEMENTS) {
            error(
                    exchange,
                    "MAX_ELEMENTS_EXCEEDED",
                    "The product of origins and destinations exceeds the per-query limit.");
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String origin : origins) {
            List<Map<String, Object>> row = new ArrayList<>();
            for (String destination : destinations) {
                row.add(Routes.element(origin, destination));
            }
            rows.add(Map.of("elements", row));
        }
        elements.addAndGet((long) origins.size() * destinations.size());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "destination_addresses",
                destinations.stream().map(Routes::formatted).toList());
        body.put("origin_addresses", origins.stream().map(Routes::formatted).toList());
        body.put("rows", rows);
        body.put("status", "OK");
        recordStatus("OK");
        respond(exchange, 200, body);
    }

    private void error(HttpExchange exchange, String status, String message) throws IOException {
        recordStatus(status);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("destination_addresses", List.of());
        body.put("error_message", message);
        body.put("origin_addresses", List.of());
        body.put("rows", List.of());
        body.put("status", status);
        respond(exchange, 200, body);
    }

    private static List<String> places(String parameter) {
        List<String> places = new ArrayList<>();
        if (parameter != null) {
            for (String place : parameter.split("\\|")) {
                if (!place.isBlank()) {
                    places.add(place.strip());
                }
            }
        }
        return places;
    }
}
