package dev.tasklane.simulators.quo;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The Quo simulator against Quo's published OpenAPI document and the answer observed from the real API. */
class QuoSimulatorTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final QuoSimulator quo = new QuoSimulator(0);

    @AfterEach
    void stop() {
        quo.close();
    }

    private record Answer(int status, JsonNode body) {}

    private Answer call(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(quo.baseUrl() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (key != null) {
            request.header("Authorization", key);
        }
        HttpResponse<String> response =
                HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()));
    }

    private Answer call(String method, String path, String body) throws Exception {
        return call(method, path, QuoSimulator.DEFAULT_KEY, body);
    }

    private static String contact(String externalId, String phone) {
        return "{\"defaultFields\": {\"firstName\": \"Jane\", \"lastName\": \"Doe\", \"company\": null, \"role\": null,"
                + " \"emails\": [{\"name\": \"client email\", \"value\": \"jane@example.com\"}],"
                + " \"phoneNumbers\": [{\"name\": \"client phone\", \"value\": \"" + phone + "\"}]},"
                + " \"externalId\": \"" + externalId + "\", \"source\": \"tasklane\"}";
    }

    @Test
    void theSpecCheckFindsWhatIsWrong() {
        assertThat(QuoSpec.requestProblems("POST", "/v1/contacts", JSON.readTree("{\"externalId\": \"x\"}")))
                .as("defaultFields is required")
                .isNotEmpty();
        assertThat(QuoSpec.responseProblems("POST", "/v1/contacts", 409, JSON.readTree("{\"message\": \"x\"}")))
                .as("a conflict needs its code, status, docs and title")
                .isNotEmpty();
        assertThat(QuoSpec.responseProblems("GET", "/v1/contacts/abc", 200, JSON.readTree("{\"data\": {\"id\": 7}}")))
                .isNotEmpty();
    }

    @Test
    void creatingAContactAnswers201AsTheSpecSays() throws Exception {
        String body = contact("client-1", "+12125550123");
        assertThat(QuoSpec.requestProblems("POST", "/v1/contacts", JSON.readTree(body)))
                .isEmpty();

        Answer created = call("POST", "/v1/contacts", body);

        assertThat(created.status()).isEqualTo(201);
        assertThat(QuoSpec.responseProblems("POST", "/v1/contacts", 201, created.body()))
                .isEmpty();
        assertThat(created.body().get("data").get("externalId").asString()).isEqualTo("client-1");
        assertThat(created.body()
                        .get("data")
                        .get("defaultFields")
                        .get("phoneNumbers")
                        .get(0)
                        .get("value")
                        .asString())
                .isEqualTo("+12125550123");
    }

    @Test
    void aSecondContactWithTheSameExternalIdIsTheObservedConflict() throws Exception {
        call("POST", "/v1/contacts", contact("client-2", "+12125550123"));

        Answer conflict = call("POST", "/v1/contacts", contact("client-2", "+12125550199"));

        try (InputStream observed =
                getClass().getResourceAsStream("/fixtures/quo/observed/409-duplicate-externalId.json")) {
            assertThat(conflict.status()).isEqualTo(409);
            assertThat(conflict.body()).isEqualTo(JSON.readTree(observed));
        }
        assertThat(QuoSpec.responseProblems("POST", "/v1/contacts", 409, conflict.body()))
                .isEmpty();
        assertThat(quo.contacts()).hasSize(1);
    }

    @Test
    void contactsAreFoundByExternalIdAndById() throws Exception {
        String id = call("POST", "/v1/contacts", contact("client-3", "+12125550123"))
                .body()
                .get("data")
                .get("id")
                .asString();

        Answer listed = call("GET", "/v1/contacts?externalIds=client-3&externalIds=nobody&maxResults=10", null);
        Answer byId = call("GET", "/v1/contacts/" + id, null);
        Answer missing = call("GET", "/v1/contacts/000000000000000000000000", null);
        Answer noMax = call("GET", "/v1/contacts?externalIds=client-3", null);

        assertThat(listed.body().get("data")).hasSize(1);
        assertThat(QuoSpec.responseProblems("GET", "/v1/contacts", 200, listed.body()))
                .isEmpty();
        assertThat(byId.body().get("data").get("id").asString()).isEqualTo(id);
        assertThat(QuoSpec.responseProblems("GET", "/v1/contacts/" + id, 200, byId.body()))
                .isEmpty();
        assertThat(missing.status()).isEqualTo(404);
        assertThat(QuoSpec.responseProblems("GET", "/v1/contacts/x", 404, missing.body()))
                .isEmpty();
        assertThat(noMax.status()).isEqualTo(400);
        assertThat(QuoSpec.responseProblems("GET", "/v1/contacts", 400, noMax.body()))
                .isEmpty();
    }

    @Test
    void aPatchReplacesTheArraysItCarriesAndKeepsTheRest() throws Exception {
        String id = call("POST", "/v1/contacts", contact("client-4", "+12125550123"))
                .body()
                .get("data")
                .get("id")
                .asString();
        String patch = "{\"defaultFields\": {\"phoneNumbers\": [{\"name\": \"mobile\", \"value\": \"+16465550199\"}]}}";
        assertThat(QuoSpec.requestProblems("PATCH", "/v1/contacts/" + id, JSON.readTree(patch)))
                .isEmpty();

        Answer patched = call("PATCH", "/v1/contacts/" + id, patch);

        JsonNode fields = patched.body().get("data").get("defaultFields");
        assertThat(fields.get("phoneNumbers")).hasSize(1);
        assertThat(fields.get("phoneNumbers").get(0).get("value").asString()).isEqualTo("+16465550199");
        assertThat(fields.get("emails").get(0).get("value").asString()).isEqualTo("jane@example.com");
        assertThat(fields.get("firstName").asString()).isEqualTo("Jane");
        assertThat(QuoSpec.responseProblems("PATCH", "/v1/contacts/" + id, 200, patched.body()))
                .isEmpty();
    }

    @Test
    void aBadBodyIsA400WithTheSpecsErrorShapeNamingTheField() throws Exception {
        Answer bad = call("POST", "/v1/contacts", contact("client-5", "555-0123"));

        assertThat(bad.status()).isEqualTo(400);
        assertThat(QuoSpec.responseProblems("POST", "/v1/contacts", 400, bad.body()))
                .isEmpty();
        assertThat(bad.body().get("errors").get(0).get("path").asString())
                .isEqualTo("/defaultFields/phoneNumbers/0/value");
        assertThat(quo.contacts()).isEmpty();
    }

    @Test
    void theKeyGoesInAuthorizationWithoutBearer() throws Exception {
        Answer none = call("GET", "/v1/contact-custom-fields", null, null);
        Answer bearer = call("GET", "/v1/contact-custom-fields", "Bearer " + QuoSimulator.DEFAULT_KEY, null);
        Answer plain = call("GET", "/v1/contact-custom-fields", QuoSimulator.DEFAULT_KEY, null);

        assertThat(none.status()).isEqualTo(401);
        assertThat(bearer.status()).isEqualTo(401);
        assertThat(QuoSpec.responseProblems("GET", "/v1/contact-custom-fields", 401, bearer.body()))
                .isEmpty();
        assertThat(plain.status()).isEqualTo(200);
        assertThat(QuoSpec.responseProblems("GET", "/v1/contact-custom-fields", 200, plain.body()))
                .isEmpty();
        assertThat(plain.body().get("data").findValuesAsString("key")).contains("next-appointment");
    }

    @Test
    void aCustomFieldTheWorkspaceLacksIsRefused() throws Exception {
        String body =
                "{\"defaultFields\": {\"firstName\": \"Ann\"}, \"customFields\": [{\"key\": \"shoe-size\", \"value\": \"9\"}]}";

        Answer refused = call("POST", "/v1/contacts", body);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().get("errors").get(0).get("message").asString())
                .contains("shoe-size");
    }

    @Test
    void aDeletedContactIsGoneAndItsIdAnswers404() throws Exception {
        String id = call("POST", "/v1/contacts", contact("client-8", "+12125550125"))
                .body()
                .at("/data/id")
                .asString();

        Answer deleted = call("DELETE", "/v1/contacts/" + id, null);

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isNull();
        assertThat(call("GET", "/v1/contacts/" + id, null).status()).isEqualTo(404);
        assertThat(call("PATCH", "/v1/contacts/" + id, "{\"defaultFields\": {\"lastName\": \"Roe\"}}")
                        .status())
                .isEqualTo(404);
        for (QuoSimulator.Exchange exchange : quo.exchanges()) {
            assertThat(QuoSpec.responseProblems(
                            exchange.method(), exchange.path(), exchange.status(), exchange.response()))
                    .as(exchange.method() + " " + exchange.path() + " " + exchange.status())
                    .isEmpty();
        }
    }

    @Test
    void theEleventhRequestOfASecondIsA429() throws Exception {
        int limited = 0;
        for (int i = 0; i < 11; i++) {
            limited += call("GET", "/v1/contact-custom-fields", null).status() == 429 ? 1 : 0;
        }

        assertThat(limited).isEqualTo(1);
    }

    @Test
    void modesAndEveryAnswerConformToTheSpec() throws Exception {
        call("POST", "/_sim/mode", "{\"mode\": \"server_error\", \"count\": 1}");
        Answer failed = call("POST", "/v1/contacts", contact("client-6", "+12125550123"));
        call("POST", "/_sim/mode", "{\"mode\": \"unauthorized\", \"count\": 1}");
        Answer unauthorized = call("GET", "/v1/contacts?externalIds=a&maxResults=1", null);
        call("POST", "/_sim/mode", "{\"mode\": \"forbidden\", \"count\": 2}");
        Answer forbidden = call("POST", "/v1/contacts", contact("client-7", "+12125550124"));
        Answer forbiddenFields = call("GET", "/v1/contact-custom-fields", null);

        assertThat(failed.status()).isEqualTo(500);
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.body().get("code").asString()).isEqualTo("0801403");
        assertThat(forbiddenFields.status()).isEqualTo(403);
        for (QuoSimulator.Exchange exchange : quo.exchanges()) {
            assertThat(QuoSpec.responseProblems(
                            exchange.method(), exchange.path(), exchange.status(), exchange.response()))
                    .as(exchange.method() + " " + exchange.path() + " " + exchange.status())
                    .isEmpty();
        }
    }
}
