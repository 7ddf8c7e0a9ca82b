package dev.tasklane.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A Server-Sent Events client that records every event of one stream, as a browser's EventSource would see them. */
public final class SseClient implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One received event: its name, id and JSON data. */
    public record Event(String name, String id, JsonNode data) {}

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private volatile boolean ended;
    private final CompletableFuture<HttpResponse<Stream<String>>> response;

    private SseClient(URI uri, String token, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token);
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        this.response = HttpClient.newHttpClient().sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
        response.thenAcceptAsync(answer -> read(answer.body()));
    }

    public static SseClient open(HttpJson service, String token) {
        return open(service, token, null);
    }

    /** Opens a stream and waits for its {@code ready} event. */
    public static SseClient open(HttpJson service, String token, String lastEventId) {
        return open(service, "/task-events", token, lastEventId);
    }

    /** Opens a stream at {@code pathAndQuery} and waits for its {@code ready} event. */
    public static SseClient open(HttpJson service, String pathAndQuery, String token, String lastEventId) {
        SseClient client = new SseClient(service.uri(pathAndQuery), token, lastEventId);
        client.await(event -> event.name().equals("ready"));
        return client;
    }

    private void read(Stream<String> lines) {
        String[] name = {null};
        String[] id = {null};
        StringBuilder data = new StringBuilder();
        lines.forEach(line -> {
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    events.add(new Event(name[0] == null ? "message" : name[0], id[0], JSON.readTree(data.toString())));
                }
                name[0] = null;
                id[0] = null;
                data.setLength(0);
            } else if (line.startsWith(":")) {
                comments.add(line.substring(1).trim());
            } else if (line.startsWith("event:")) {
                name[0] = line.substring(6).trim();
            } else if (line.startsWith("id:")) {
                id[0] = line.substring(3).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).trim());
            }
        });
        ended = true;
    }

    /** Waits up to 10 seconds for the server to end the stream. */
    public void awaitEnd() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ended);
    }

    /** Waits up to 20 seconds for an event that matches, and returns it. */
    public Event await(Predicate<Event> matching) {
        return org.awaitility.Awaitility.await()
                .atMost(20, TimeUnit.SECONDS)
                .until(() -> events.stream().filter(matching).findFirst(), found -> found.isPresent())
                .orElseThrow();
    }

    /** The {@code task} event in which task {@code id} reached {@code status}. */
    public Event awaitTask(String id, String status) {
        return await(event -> event.name().equals("task")
                && event.data().get("id").asString().equals(id)
                && event.data().get("status").asString().equals(status));
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public boolean sawTask(String id) {
        return events.stream()
                .anyMatch(event -> event.name().equals("task")
                        && event.data().get("id").asString().equals(id));
    }

    public void awaitComment(String text) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> comments.contains(text));
    }

    @Override
    public void close() {
        response.thenAccept(answer -> answer.body().close());
        response.cancel(true);
    }
}
