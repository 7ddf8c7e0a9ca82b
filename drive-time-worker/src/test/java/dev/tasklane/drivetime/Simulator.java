package dev.tasklane.drivetime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.tasklane.drivetime.DistanceMatrixSimulatorHolder.SIMULATOR;

/** The control API of the shared Distance Matrix simulator, over HTTP like any other client of it. */
public final class Simulator {

    private Simulator() {
    }

    public static void mode(String json) {
        post("/_sim/mode", json);
    }

    public static void replay(String json) {
        post("/_sim/replay", json);
    }

    public static JsonNode stats() {
        try {
            return JsonMapper.builder().build().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(SIMULATOR.baseUrl() + "/_sim/stats")).build(), HttpResponse.BodyHandlers.ofString()).body());
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void post(String path, String json) {
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(SIMULATOR.baseUrl() + path))
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.discarding());
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
