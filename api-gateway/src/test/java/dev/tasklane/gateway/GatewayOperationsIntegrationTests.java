package dev.tasklane.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.testsupport.HttpJson;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What an operator and an integrator see: the OpenAPI description, Swagger UI, health and metrics. */
@GatewayIntegrationTest
class GatewayOperationsIntegrationTests {

    @LocalServerPort
    int port;

    private String text(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    @Test
    void theOpenApiDescriptionListsTheBusinessEndpointsWithBearerAuth() {
        JsonNode api = new HttpJson(port).get("/v3/api-docs", null).body();

        assertThat(api.get("paths").propertyNames())
                .contains("/add-client", "/update-client", "/add-driver", "/update-driver", "/save-appointment");
        assertThat(api.get("components")
                        .get("securitySchemes")
                        .get("bearer")
                        .get("scheme")
                        .asString())
                .isEqualTo("bearer");
        assertThat(api.get("info").get("description").asString()).contains("/task-events");
        for (String[] answer : new String[][] {
            {"/add-client", "ClientAnswer", "client_id"},
            {"/update-driver", "DriverAnswer", "driver_id"},
            {"/save-appointment", "AppointmentAnswer", "appointment_id"}
        }) {
            JsonNode ok = api.at("/paths/" + answer[0].replace("/", "~1") + "/post/responses/200/content");
            assertThat(ok.findValuesAsString("$ref"))
                    .as("%s documents its answer", answer[0])
                    .contains("#/components/schemas/" + answer[1]);
            assertThat(api.at("/components/schemas/" + answer[1] + "/properties")
                            .propertyNames())
                    .as("as the endpoint writes it")
                    .contains("success", answer[2], "task_ids", "message");
        }
    }

    @Test
    void swaggerUiIsServed() throws Exception {
        assertThat(text("/swagger-ui/index.html")).contains("Swagger UI");
    }

    @Test
    void metricsHaveARequestLatencyHistogramPerEndpointAndTheOutboxBacklog() throws Exception {
        new GatewayRequests(port, UUID.randomUUID()).aClient("Metric Client", "1 Gauge St");

        String metrics = text("/actuator/prometheus");

        assertThat(metrics).containsPattern("http_server_requests_seconds_bucket\\{.*uri=\"/add-client\".*le=\"");
        assertThat(metrics).contains("tasklane_outbox_backlog").contains("tasklane_outbox_oldest_age_seconds");
        // the tasks requested, per task type: the dashboard's "requested" rate
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> text("/actuator/prometheus"),
                        text -> text.contains(
                                        "tasklane_outbox_published_total{topic=\"task.requested.calculate_drive_times\"}")
                                && text.contains("tasklane_outbox_published_total{topic=\"task.requested.sync_quo\"}"));
    }

    @Test
    void healthShowsTheOutbox() {
        JsonNode health = new HttpJson(port).get("/actuator/health", null).body();

        JsonNode outbox = health.get("components").get("outbox");
        assertThat(outbox.get("status").asString()).isEqualTo("UP");
        assertThat(outbox.get("details").has("backlog")).isTrue();
        assertThat(outbox.get("details").get("stuck_after_seconds").asLong()).isEqualTo(60);
    }

    /** The existing app's pages include the browser scripts from another origin. */
    @Test
    void anAllowedOriginMayCallTheGatewayFromABrowserAndOthersMayNot() {
        HttpJson gateway = new HttpJson(port);
        HttpJson.Response preflight = gateway.call(
                "OPTIONS",
                "/add-client",
                Map.of(
                        "Origin",
                        "https://app.example.com",
                        "Access-Control-Request-Method",
                        "POST",
                        "Access-Control-Request-Headers",
                        "authorization,content-type,idempotency-key"),
                null);
        assertThat(preflight.status()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue("https://app.example.com");
        assertThat(preflight
                        .headers()
                        .firstValue("Access-Control-Allow-Headers")
                        .orElse("")
                        .toLowerCase())
                .contains("authorization", "idempotency-key");

        HttpJson.Response elsewhere = gateway.call(
                "OPTIONS",
                "/add-client",
                Map.of("Origin", "https://evil.example.net", "Access-Control-Request-Method", "POST"),
                null);
        assertThat(elsewhere.status()).isEqualTo(403);
        assertThat(elsewhere.headers().firstValue("Access-Control-Allow-Origin"))
                .isEmpty();
    }
}
