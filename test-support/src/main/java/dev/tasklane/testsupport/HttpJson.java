package dev.tasklane.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JSON over HTTP to a service under test, as a browser or another service would call it. */
public final class HttpJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public HttpJson(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** The status, the headers and, when the answer is JSON, its body. */
    public record Response(int status, JsonNode body, java.net.http.HttpHeaders headers) {

        public Response(int status, JsonNode body) {
            this(status, body, java.net.http.HttpHeaders.of(Map.of(), (name, value) -> true));
        }
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    public Response post(String path, String token, String json) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Any method, with the headers given (an API key, say) and an optional JSON body. */
    public Response call(String method, String path, Map<String, String> headers, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(request::header);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request);
    }

    public URI uri(String path) {
        return URI.create(base + path);
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            boolean json =
                    response.headers().firstValue("Content-Type").orElse("").contains("json");
            return new Response(
                    response.statusCode(), json && !body.isBlank() ? JSON.readTree(body) : null, response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
