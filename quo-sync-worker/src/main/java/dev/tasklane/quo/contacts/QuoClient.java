package dev.tasklane.quo.contacts;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.tasklane.quo.system.QuoProperties;
import dev.tasklane.worker.RateBudget;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Quo's public API v1 contact and message endpoints, as its OpenAPI document describes them: {@code Authorization: <key>} (no
 * "Bearer"), JSON bodies, the spec's error body. Each call passes, from the outside in, resilience4j's retry (backoff
 * with jitter, for 429, 5xx, timeouts and dropped connections), circuit breaker, the key's {@link RateBudget} (shared
 * by every thread of every instance: each call waits for its moment, spaced so that all instances together stay within
 * the key's 10 requests per second), and the HTTP client's timeouts. Calls are observed as
 * {@code http.client.requests} by URI template and status.
 */
@Component
public class QuoClient {

    public static final String RESILIENCE = "quo";
    static final int MAX_RESULTS = 10;
    static final int MESSAGES_PAGE = 100;

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final RestClient http;
    private final QuoProperties properties;
    private final Retry retry;
    private final CircuitBreaker circuitBreaker;
    private final RateBudget budget;

    QuoClient(
            RestClient.Builder builder,
            QuoProperties properties,
            RetryRegistry retries,
            CircuitBreakerRegistry breakers,
            RateBudget quoBudget) {
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                .connectTimeout(properties.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build());
        requests.setReadTimeout(properties.readTimeout());
        this.http = builder.clone()
                .baseUrl(properties.baseUrl().toString().replaceAll("/+$", ""))
                .requestFactory(requests)
                .defaultHeader("Authorization", properties.apiKey())
                .defaultHeader("Accept", MediaType.APPLICATION_JSON_VALUE)
                .build();
        this.properties = properties;
        this.retry = retries.retry(RESILIENCE);
        this.circuitBreaker = breakers.circuitBreaker(RESILIENCE);
        this.budget = quoBudget;
    }

    /** The contact with Quo id {@code id}; empty when Quo has none (deleted there, say). */
    public Optional<Contact> find(String id) {
        try {
            return Optional.of(contact(call(HttpMethod.GET, "/v1/contacts/{id}", null, id)));
        } catch (QuoApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The contacts whose {@code externalId} is {@code externalId}: none or one, as Quo keeps external ids unique. */
    public List<Contact> findByExternalId(String externalId) {
        JsonNode page = call(
                HttpMethod.GET,
                "/v1/contacts?externalIds={externalId}&maxResults={max}",
                null,
                externalId,
                MAX_RESULTS);
        List<Contact> found = new ArrayList<>();
        for (JsonNode item : page.path("data")) {
            found.add(JSON.treeToValue(item, Contact.class));
        }
        return found;
    }

    /** Creates a contact; a 409 means one with the same {@code externalId} exists. */
    public Contact create(ObjectNode body) {
        return contact(call(HttpMethod.POST, "/v1/contacts", body));
    }

    /** Sends {@code changes} to contact {@code id}: the arrays it carries replace the contact's. */
    public Contact update(String id, ObjectNode changes) {
        return contact(call(HttpMethod.PATCH, "/v1/contacts/{id}", changes, id));
    }

    /** The contact custom fields defined in the workspace. */
    public List<Contact.CustomField> customFields() {
        List<Contact.CustomField> fields = new ArrayList<>();
        for (JsonNode item :
                call(HttpMethod.GET, "/v1/contact-custom-fields", null).path("data")) {
            fields.add(JSON.treeToValue(item, Contact.CustomField.class));
        }
        return fields;
    }

    /** A text Quo accepted or lists: its id ({@code AC…}), recipients, content and direction. */
    public record Message(String id, List<String> to, String text, String direction) {}

    /**
     * Sends a text, once: no retry here, because a send that timed out may have gone out and sending it again could
     * text twice; the caller retries ({@link #retrying}) and looks the text up first after such a failure.
     */
    public Message sendText(String from, String to, String content) {
        ObjectNode body = JSON.createObjectNode();
        body.put("from", from);
        body.putArray("to").add(to);
        body.put("content", content);
        return JSON.treeToValue(callOnce(HttpMethod.POST, "/v1/messages", body).path("data"), Message.class);
    }

    /**
     * The texts between the workspace's number {@code phoneNumberId} and {@code participant} since {@code after} (the
     * first 100). One attempt: run it within {@link #retrying}.
     */
    public List<Message> texts(String phoneNumberId, String participant, java.time.Instant after) {
        JsonNode page = callOnce(
                HttpMethod.GET,
                "/v1/messages?phoneNumberId={id}&participants={participant}&createdAfter={after}&maxResults={max}",
                null,
                phoneNumberId,
                participant,
                after.toString(),
                MESSAGES_PAGE);
        List<Message> found = new ArrayList<>();
        for (JsonNode item : page.path("data")) {
            found.add(JSON.treeToValue(item, Message.class));
        }
        return found;
    }

    /**
     * The id ({@code PN…}) of the workspace's phone number {@code number} (E.164); empty when it has none. One attempt:
     * run it within {@link #retrying}.
     */
    public Optional<String> phoneNumberId(String number) {
        for (JsonNode item : callOnce(HttpMethod.GET, "/v1/phone-numbers", null).path("data")) {
            if (number.equals(item.path("number").asString(null))) {
                return Optional.of(item.path("id").asString());
            }
        }
        return Optional.empty();
    }

    /** Runs {@code calls} made with the single-attempt methods under the same retry as every other call. */
    public <T> T retrying(Supplier<T> calls) {
        return Retry.decorateSupplier(retry, calls).get();
    }

    private static Contact contact(JsonNode answer) {
        return JSON.treeToValue(answer.path("data"), Contact.class);
    }

    private JsonNode call(HttpMethod method, String uri, ObjectNode body, Object... variables) {
        return retrying(() -> callOnce(method, uri, body, variables));
    }

    /** One attempt, through the circuit breaker and the key's budget. */
    private JsonNode callOnce(HttpMethod method, String uri, ObjectNode body, Object... variables) {
        String operation = method.name() + " " + uri.replaceAll("\\?.*", "");
        Supplier<JsonNode> once = () -> {
            RestClient.RequestBodySpec request = http.method(method).uri(uri, variables);
            if (body != null) {
                request.contentType(MediaType.APPLICATION_JSON).body(JSON.writeValueAsString(body));
            }
            // the request is ready: nothing but the wire between its moment and Quo
            budget.take();
            return request.exchange((sent, response) -> {
                int status = response.getStatusCode().value();
                String text = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
                if (status >= 200 && status < 300) {
                    return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
                }
                throw error(operation, status, text);
            });
        };
        return CircuitBreaker.decorateSupplier(circuitBreaker, once).get();
    }

    /** The spec's error body {@code {message, code, status, docs, title, errors: [{path, message, value}]}}. */
    private QuoApiException error(String operation, int status, String text) {
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (RuntimeException notJson) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            String excerpt = text.isBlank() ? null : "a non-JSON answer: " + abbreviate(text.strip(), 120);
            return new QuoApiException(operation, status, null, properties.redact(excerpt), List.of());
        }
        List<String> problems = new ArrayList<>();
        for (JsonNode problem : body.path("errors")) {
            String path = problem.path("path").asString("");
            String value = problem.path("value").isValueNode()
                            && !problem.path("value").isNull()
                    ? " (value " + abbreviate(problem.path("value").asString(), 80) + ")"
                    : "";
            problems.add(properties.redact((path.isEmpty() ? "" : path + ": ")
                    + problem.path("message").asString("")
                    + value));
        }
        String code = body.hasNonNull("code") ? body.get("code").asString() : null;
        String message = body.hasNonNull("message")
                ? properties.redact(body.get("message").asString())
                : null;
        return new QuoApiException(operation, status, code, message, problems);
    }

    private static String abbreviate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length) + "…";
    }

    /** Whether {@code failure} is the client's timeout, among the causes of a call's failure. */
    public static boolean isTimeout(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.http.HttpTimeoutException
                    || cause instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
