package dev.tasklane.simulators.distancematrix;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import com.google.maps.DistanceMatrixApi;
import com.google.maps.GeoApiContext;
import com.google.maps.errors.InvalidRequestException;
import com.google.maps.errors.MaxElementsExceededException;
import com.google.maps.errors.OverQueryLimitException;
import com.google.maps.errors.RequestDeniedException;
import com.google.maps.model.DistanceMatrix;
import com.google.maps.model.DistanceMatrixElementStatus;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The simulator against Google's own material: every recorded response and the simulator's answers validate against
 * the published schema, and the official Java client reads both alike.
 */
class DistanceMatrixSimulatorTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String FIXTURES = "fixtures/google-distance-matrix/";
    private static final Schema RESPONSE_SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(SchemaLocation.of("classpath:" + FIXTURES + "openapi/schemas/DistanceMatrixResponse.yml"));

    private final DistanceMatrixSimulator simulator = new DistanceMatrixSimulator(0);
    private final GeoApiContext google = new GeoApiContext.Builder()
            .apiKey("AIzaSimulatorKeyForTests000000000000000")
            .baseUrlOverride(simulator.baseUrl())
            .disableRetries()
            .build();

    @AfterEach
    void stop() {
        google.shutdown();
        simulator.close();
    }

    /** Every recorded Distance Matrix response: the Java client's test resources and Google's published examples. */
    static Stream<String> distanceMatrixResponses() {
        return Stream.concat(
                Stream.of("GetDistanceMatrixWithBasicStringParams.json"),
                Stream.of(
                                "all_response",
                                "avoid_response",
                                "bicycling_response",
                                "encoded_error_response",
                                "encoded_response",
                                "heading_response",
                                "latlng_response",
                                "place_id_response",
                                "plus_code_response",
                                "response",
                                "side_of_road_polyline_response",
                                "side_of_road_response",
                                "start_response")
                        .map(name -> "openapi/responses-json/maps_http_distancematrix_" + name + ".json"));
    }

    /** The above, and the client's generic OVER_QUERY_LIMIT answer (not a whole Distance Matrix response). */
    static Stream<String> fixtures() {
        return Stream.concat(distanceMatrixResponses(), Stream.of("OverQueryLimitResponse.json"));
    }

    private static String fixture(String name) {
        try (InputStream in = DistanceMatrixSimulatorTests.class.getResourceAsStream("/" + FIXTURES + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Error> violations(JsonNode response) {
        return RESPONSE_SCHEMA.validate(response);
    }

    private JsonNode get(String query) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(simulator.baseUrl() + DistanceMatrixSimulator.PATH + "?" + query))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static String places(int count, String prefix) {
        StringBuilder places = new StringBuilder();
        for (int i = 0; i < count; i++) {
            places.append(i == 0 ? "" : "|")
                    .append(i)
                    .append(' ')
                    .append(prefix)
                    .append(" St, Springfield");
        }
        return URLEncoder.encode(places.toString(), StandardCharsets.UTF_8);
    }

    private void replay(String json) throws Exception {
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/_sim/replay"))
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
    }

    @ParameterizedTest
    @MethodSource("distanceMatrixResponses")
    void everyRecordedResponseConformsToThePublishedSchema(String name) {
        assertThat(violations(JSON.readTree(fixture(name)))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void theOfficialClientReadsEveryRecordedResponseThroughTheSimulator(String name) throws Exception {
        JsonNode recorded = JSON.readTree(fixture(name));
        replay(fixture(name));
        String status = recorded.get("status").asString();

        if (status.equals("OK")) {
            DistanceMatrix matrix = DistanceMatrixApi.getDistanceMatrix(google, new String[] {"a"}, new String[] {"b"})
                    .await();
            assertThat(matrix.rows).hasSize(recorded.get("rows").size());
            assertThat(matrix.originAddresses)
                    .hasSize(recorded.get("origin_addresses").size());
        } else {
            assertThatThrownBy(() -> DistanceMatrixApi.getDistanceMatrix(google, new String[] {"a"}, new String[] {"b"})
                            .await())
                    .isInstanceOf(
                            status.equals("OVER_QUERY_LIMIT")
                                    ? OverQueryLimitException.class
                                    : InvalidRequestException.class)
                    .hasMessage(recorded.get("error_message").asString());
        }
    }

    @Test
    void theSchemaCheckReachesIntoElements() {
        String bogus = fixture("openapi/responses-json/maps_http_distancematrix_all_response.json")
                .replace("ZERO_RESULTS", "NO_IDEA");

        assertThat(violations(JSON.readTree(bogus))).isNotEmpty();
    }

    @Test
    void theSimulatorsAnswersConformToThePublishedSchema() throws Exception {
        JsonNode ok = get("key=AIzaX&origins=" + places(3, "Oak") + "&destinations=" + places(2, "Elm"));
        JsonNode unreachable = get("key=AIzaX&origins=1%20Oak%20St&destinations="
                + URLEncoder.encode(
                        "Lost Island [no route]|Atlantis [not found]|Mars [too far]", StandardCharsets.UTF_8));
        JsonNode tooMany = get("key=AIzaX&origins=" + places(26, "Oak") + "&destinations=1%20Elm");
        JsonNode denied = get("origins=a&destinations=b");

        for (JsonNode answer : List.of(ok, unreachable, tooMany, denied)) {
            assertThat(violations(answer)).as(answer.toString()).isEmpty();
        }
        assertThat(ok.get("rows")).hasSize(3);
        assertThat(ok.get("rows").get(0).get("elements")).hasSize(2);
        assertThat(unreachable.get("rows").get(0).get("elements").findValuesAsString("status"))
                .containsExactly("ZERO_RESULTS", "NOT_FOUND", "MAX_ROUTE_LENGTH_EXCEEDED");
        assertThat(tooMany.get("status").asString()).isEqualTo("MAX_DIMENSIONS_EXCEEDED");
        assertThat(denied.get("status").asString()).isEqualTo("REQUEST_DENIED");
    }

    @Test
    void theOfficialClientReadsTheSimulatorsAnswersLikeGooglesIncludingItsNullStatus() throws Exception {
        DistanceMatrix matrix = DistanceMatrixApi.getDistanceMatrix(
                        google,
                        new String[] {"1 Oak St, Springfield", "2 Oak St, Springfield"},
                        new String[] {"9 Elm St, Springfield", "Far Side [too far]", "Sunken City [not found]"})
                .await();

        assertThat(matrix.rows).hasSize(2);
        assertThat(matrix.rows[0].elements[0].status).isEqualTo(DistanceMatrixElementStatus.OK);
        assertThat(matrix.rows[0].elements[0].distance.inMeters).isPositive();
        assertThat(matrix.rows[0].elements[0].duration.inSeconds).isPositive();
        assertThat(matrix.rows[0].elements[1].status)
                .as("the client has no constant for MAX_ROUTE_LENGTH_EXCEEDED")
                .isNull();
        assertThat(matrix.rows[0].elements[2].status).isEqualTo(DistanceMatrixElementStatus.NOT_FOUND);
    }

    @Test
    void distancesAreDeterministicAndPlausible() throws Exception {
        JsonNode first = get("key=AIzaX&origins=1%20Oak%20St&destinations=9%20Elm%20St");
        JsonNode second = get("key=AIzaX&origins=1%20Oak%20St&destinations=9%20Elm%20St");

        JsonNode element = first.get("rows").get(0).get("elements").get(0);
        assertThat(second).isEqualTo(first);
        assertThat(element.get("distance").get("value").asLong()).isBetween(150L, 120_000L);
        assertThat(element.get("duration").get("value").asLong()).isBetween(60L, 10_000L);
    }

    @Test
    void theRealLimitsAreEnforced() {
        String[] eleven = new String[11];
        String[] ten = new String[10];
        for (int i = 0; i < 11; i++) {
            eleven[i] = i + " Oak St";
        }
        for (int i = 0; i < 10; i++) {
            ten[i] = i + " Elm St";
        }

        assertThatThrownBy(() ->
                        DistanceMatrixApi.getDistanceMatrix(google, eleven, ten).await())
                .isInstanceOf(MaxElementsExceededException.class);
    }

    @Test
    void aKeyThatIsNotAGoogleKeyIsDenied() throws Exception {
        assertThat(get("key=secret&origins=a&destinations=b")
                        .get("error_message")
                        .asString())
                .isEqualTo("The provided API key is invalid.");
    }

    @Test
    void aModeLastsForItsCountAndTheStatsSayWhatHappened() throws Exception {
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/_sim/mode"))
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"mode\": \"request_denied\", \"count\": 2}"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> DistanceMatrixApi.getDistanceMatrix(google, new String[] {"a"}, new String[] {"b"})
                            .await())
                    .isInstanceOf(RequestDeniedException.class)
                    .hasMessage("This API project is not authorized to use this API.");
        }
        assertThat(DistanceMatrixApi.getDistanceMatrix(google, new String[] {"a"}, new String[] {"b", "c"})
                        .await()
                        .rows)
                .hasSize(1);

        JsonNode stats = JSON.readTree(HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/_sim/stats"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        assertThat(stats.get("requests").asInt()).isEqualTo(3);
        assertThat(stats.get("elements").asInt()).isEqualTo(2);
        assertThat(stats.get("by_status").get("REQUEST_DENIED").asInt()).isEqualTo(2);
        assertThat(stats.get("by_status").get("OK").asInt()).isEqualTo(1);
        assertThat(stats.get("mode").asString()).isEqualTo("ok");
    }

    /** Ten requests cannot spread over the four seconds that a quota of 2 a second would need to serve them all. */
    @Test
    void beyondItsQuotaAKeyIsAnsweredOverQueryLimitAsGoogleDoes() throws Exception {
        simulator.quotaPerSecond(2);
        int refused = 0;
        for (int i = 0; i < 10; i++) {
            try {
                DistanceMatrixApi.getDistanceMatrix(google, new String[] {"a"}, new String[] {"b"})
                        .await();
            } catch (OverQueryLimitException e) {
                assertThat(e).hasMessage("You have exceeded your rate-limit for this API.");
                refused++;
            }
        }

        JsonNode stats = JSON.readTree(HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/_sim/stats"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        assertThat(refused).isPositive();
        assertThat(stats.get("by_status").get("OVER_QUERY_LIMIT").asInt()).isEqualTo(refused);
        assertThat(stats.get("quota_per_second").asInt()).isEqualTo(2);

        simulator.reset();
        for (int i = 0; i < 10; i++) {
            assertThat(DistanceMatrixApi.getDistanceMatrix(google, new String[] {"a"}, new String[] {"b"})
                            .await()
                            .rows)
                    .as("after a reset, no quota")
                    .hasSize(1);
        }
    }

    @Test
    void anUnknownModeIsRefusedWithTheKnownOnes() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/_sim/mode"))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"mode\": \"on_fire\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("over_query_limit");
    }

    /**
     * The JDK's HTTP server writes a response's headers and body separately; with Nagle's algorithm on, the body waits
     * for the client's delayed ACK (40 ms on Linux) on every kept-alive request, which made every Distance Matrix call a
     * benchmark timed "at zero latency" cost 40 ms. A median over 20 calls is far from either side of that line.
     */
    @Test
    void answersOnAKeptAliveConnectionWithoutWaitingForADelayedAck() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(simulator.baseUrl()
                        + "/maps/api/distancematrix/json?key=AIzaSimulatorKeyForTests000000000000000&origins=1+A+St"
                        + "&destinations=2+B+St"))
                .build();
        http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        long[] nanos = new long[20];
        for (int i = 0; i < nanos.length; i++) {
            long started = System.nanoTime();
            assertThat(http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);
            nanos[i] = System.nanoTime() - started;
        }
        java.util.Arrays.sort(nanos);
        assertThat(nanos[nanos.length / 2] / 1_000_000)
                .as("median milliseconds per kept-alive request")
                .isLessThan(20);
    }
}
