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

    private static String text(String from, String to, String content) {
        return "{\"from\": \"" + from + "\", \"to\": [\"" + to + "\"], \"content\": \"" + content + "\"}";
    }

    private void everyExchangeConformsToTheSpec() {
        for (QuoSimulator.Exchange exchange : quo.exchanges()) {
            if (exchange.request() != null && exchange.status() < 400) {
                assertThat(QuoSpec.requestProblems(exchange.method(), exchange.path(), exchange.request()))
                        .as("request of " + exchange.method() + " " + exchange.path())
                        .isEmpty();
            }
            assertThat(QuoSpec.responseProblems(
                            exchange.method(), exchange.path(), exchange.status(), exchange.response()))
                    .as(exchange.method() + " " + exchange.path() + " " + exchange.status())
                    .isEmpty();
        }
    }

    @Test
    void aTextIsAccepted202AsTheSpecSaysAndKept() throws Exception {
        String body = text(QuoSimulator.PHONE_NUMBER_ID, "+12175550100", "See you at 9:30");
        assertThat(QuoSpec.requestProblems("POST", "/v1/messages", JSON.readTree(body)))
                .isEmpty();

        Answer sent = call("POST", "/v1/messages", body);
        Answer fromTheNumber =
                call("POST", "/v1/messages", text(QuoSimulator.PHONE_NUMBER, "+12175550100", "And bring the form"));

        assertThat(sent.status()).isEqualTo(202);
        assertThat(sent.body().at("/data/id").asString()).startsWith("AC");
        assertThat(sent.body().at("/data/text").asString()).isEqualTo("See you at 9:30");
        assertThat(sent.body().at("/data/from").asString()).isEqualTo(QuoSimulator.PHONE_NUMBER);
        assertThat(fromTheNumber.status()).isEqualTo(202);
        assertThat(quo.texts())
                .extracting(QuoSimulator.Text::to, QuoSimulator.Text::content)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("+12175550100", "See you at 9:30"),
                        org.assertj.core.groups.Tuple.tuple("+12175550100", "And bring the form"));
        everyExchangeConformsToTheSpec();
    }

    @Test
    void aTextTheSpecRefusesIsA400NamingTheFieldAndIsNotSent() throws Exception {
        Answer notE164 = call("POST", "/v1/messages", text(QuoSimulator.PHONE_NUMBER_ID, "217-555-0100", "Hi"));
        Answer blank = call("POST", "/v1/messages", text(QuoSimulator.PHONE_NUMBER_ID, "+12175550100", "   "));
        Answer tooLong =
                call("POST", "/v1/messages", text(QuoSimulator.PHONE_NUMBER_ID, "+12175550100", "x".repeat(1601)));
        Answer strangeFrom = call("POST", "/v1/messages", text("PNsomeoneelse", "+12175550100", "Hi"));

        assertThat(notE164.status()).isEqualTo(400);
        assertThat(notE164.body().get("errors").findValuesAsString("path")).contains("/to/0");
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.body().get("errors").findValuesAsString("path")).contains("/content");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(strangeFrom.status()).as("not the workspace's number").isEqualTo(404);
        assertThat(quo.texts()).isEmpty();
        everyExchangeConformsToTheSpec();
    }

    @Test
    void eachTextModeIsTheSpecsErrorAndSaysWhy() throws Exception {
        String body = text(QuoSimulator.PHONE_NUMBER_ID, "+12175550100", "Hi");
        java.util.Map<String, Answer> answers = new java.util.LinkedHashMap<>();
        for (String mode : java.util.List.of(
                "invalid_number", "landline", "opted_out", "unauthorized", "rate_limited", "server_error")) {
            call("POST", "/_sim/mode", "{\"mode\": \"" + mode + "\", \"count\": 1}");
            answers.put(mode, call("POST", "/v1/messages", body));
        }

        assertThat(answers.get("invalid_number").status()).isEqualTo(400);
        assertThat(answers.get("invalid_number").body().get("message").asString())
                .contains("Invalid phone number");
        assertThat(answers.get("landline").body().get("message").asString()).contains("landline");
        assertThat(answers.get("opted_out").body().get("message").asString()).contains("opted out");
        assertThat(answers.get("opted_out").body().get("code").asString()).isEqualTo("0206400");
        assertThat(answers.get("unauthorized").status()).isEqualTo(401);
        assertThat(answers.get("unauthorized").body().get("code").asString()).isEqualTo("0200401");
        assertThat(answers.get("rate_limited").status()).isEqualTo(429);
        assertThat(answers.get("server_error").status()).isEqualTo(500);
        assertThat(quo.texts()).isEmpty();
        everyExchangeConformsToTheSpec();
    }

    @Test
    void aTextModeLeavesOtherCallsAloneAndWaitsForTheNextText() throws Exception {
        call("POST", "/_sim/mode", "{\"mode\": \"landline\", \"count\": 1}");

        Answer lookup = call("GET", "/v1/contacts?externalIds=a&maxResults=1", null);
        Answer refused = call("POST", "/v1/messages", text(QuoSimulator.PHONE_NUMBER_ID, "+12175550100", "Hi"));
        Answer next = call("POST", "/v1/messages", text(QuoSimulator.PHONE_NUMBER_ID, "+12175550100", "Hi"));

        assertThat(lookup.status()).isEqualTo(200);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(next.status()).isEqualTo(202);
    }

    @Test
    void aTextSentSlowIsKeptBeforeItsLateAnswer() throws Exception {
        call("POST", "/_sim/mode", "{\"mode\": \"sent_slow\", \"count\": 1, \"slow_ms\": 300}");
        HttpClient http = HttpClient.newBuilder().build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(quo.baseUrl() + "/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString(text(QuoSimulator.PHONE_NUMBER_ID, "+12175550100", "Hi")))
                .header("Authorization", QuoSimulator.DEFAULT_KEY)
                .timeout(java.time.Duration.ofMillis(100))
                .build();

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);
        assertThat(quo.texts()).as("sent, though the caller gave up").hasSize(1);
    }

    @Test
    void textsAreListedByNumberParticipantAndTime() throws Exception {
        call("POST", "/v1/messages", text(QuoSimulator.PHONE_NUMBER_ID, "+12175550100", "First"));
        String between = quo.texts().get(0).sentAt().toString();
        call("POST", "/v1/messages", text(QuoSimulator.PHONE_NUMBER_ID, "+12175550100", "Second"));
        call("POST", "/v1/messages", text(QuoSimulator.PHONE_NUMBER_ID, "+12175550199", "Someone else"));

        Answer all = call(
                "GET",
                "/v1/messages?phoneNumberId=" + QuoSimulator.PHONE_NUMBER_ID
                        + "&participants=%2B12175550100&maxResults=10",
                null);
        Answer later = call(
                "GET",
                "/v1/messages?phoneNumberId=" + QuoSimulator.PHONE_NUMBER_ID
                        + "&participants=%2B12175550100&maxResults=10&createdAfter=" + between,
                null);
        Answer noNumber = call("GET", "/v1/messages?participants=%2B12175550100&maxResults=10", null);
        Answer numbers = call("GET", "/v1/phone-numbers", null);

        assertThat(all.body().get("data").findValuesAsString("text")).containsExactly("First", "Second");
        assertThat(later.body().get("data").findValuesAsString("text")).containsExactly("Second");
        assertThat(noNumber.status()).isEqualTo(400);
        assertThat(noNumber.body().get("errors").findValuesAsString("path")).contains("/phoneNumberId");
        assertThat(numbers.body().at("/data/0/id").asString()).isEqualTo(QuoSimulator.PHONE_NUMBER_ID);
        assertThat(numbers.body().at("/data/0/number").asString()).isEqualTo(QuoSimulator.PHONE_NUMBER);
        everyExchangeConformsToTheSpec();
    }

    @Test
    void textsAndContactsShareTheKeysTenRequestsASecond() throws Exception {
        int limited = 0;
        for (int i = 0; i < 6; i++) {
            limited += call("GET", "/v1/contact-custom-fields", null).status() == 429 ? 1 : 0;
        }
        for (int i = 0; i < 5; i++) {
            limited += call("POST", "/v1/messages", text(QuoSimulator.PHONE_NUMBER_ID, "+12175550100", "Hi " + i))
                                    .status()
                            == 429
                    ? 1
                    : 0;
        }

        assertThat(limited).isEqualTo(1);
        assertThat(quo.texts()).hasSize(4);
    }
}
