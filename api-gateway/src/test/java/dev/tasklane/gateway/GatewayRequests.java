package dev.tasklane.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.TestTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Business requests to a running gateway, as one signed-in user, with test data builders. */
public final class GatewayRequests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpJson http;
    private final String token;

    public GatewayRequests(int port, UUID user) {
        this.http = new HttpJson(port);
        this.token = TestTokens.user(user);
    }

    /** A JSON object from alternating names and values; null values are left out. */
    public static String body(Object... namesAndValues) {
        ObjectNode body = JSON.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            if (value instanceof Boolean flag) {
                body.put((String) namesAndValues[i], flag);
            } else if (value != null) {
                body.put((String) namesAndValues[i], value.toString());
            }
        }
        return body.toString();
    }

    public HttpJson.Response post(String path, String body) {
        return http.post(path, token, body);
    }

    /** A POST with an {@code Idempotency-Key}. */
    public HttpJson.Response call(String path, String body, String idempotencyKey) {
        return http.call(
                "POST",
                path,
                java.util.Map.of("Authorization", "Bearer " + token, "Idempotency-Key", idempotencyKey),
                body);
    }

    /** Adds a client and returns the answer. */
    public JsonNode aClient(String name, String address) {
        HttpJson.Response response = post(
                "/add-client",
                body("name", name, "address", address, "phone", "+12125550123", "email", "jane@example.com"));
        if (response.status() != 200) {
            throw new IllegalStateException("Could not add a client: " + response.body());
        }
        return response.body();
    }

    public JsonNode aDriver(String name, String homeAddress) {
        HttpJson.Response response = post("/add-driver", body("name", name, "home_address", homeAddress));
        if (response.status() != 200) {
            throw new IllegalStateException("Could not add a driver: " + response.body());
        }
        return response.body();
    }

    /** The task types an answer queued, in order. */
    public static List<String> queued(JsonNode answer) {
        List<String> types = new ArrayList<>(answer.get("task_ids").propertyNames());
        return types;
    }
}
