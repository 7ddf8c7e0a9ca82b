package dev.tasklane.simulators.quo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;

/**
 * Quo's published OpenAPI document (3.1, JSON Schema 2020-12) as a checker: whether a request body or an answer is
 * what the real API takes or gives, operation by operation. Used on both sides, so neither the simulator nor the
 * worker drifts from the real API.
 */
public final class QuoSpec {

    private static final String DOCUMENT = "classpath:fixtures/quo/openphone-public-api-v1.json";
    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private QuoSpec() {}

    /** The spec's path template of a concrete path: {@code /v1/contacts/abc} is {@code /v1/contacts/{id}}. */
    public static String template(String path) {
        return path.startsWith("/v1/contacts/") ? "/v1/contacts/{id}" : path;
    }

    /** What is wrong with a request body of {@code method path}, by the spec; empty when it conforms. */
    public static List<String> requestProblems(String method, String path, JsonNode body) {
        return errors(pointer(path, method) + "/requestBody/content/application~1json/schema", body).stream()
                .map(Error::toString)
                .toList();
    }

    /** One thing wrong with a request body: where (a JSON pointer, {@code /to/0}), what, and the value found there. */
    public record Problem(String path, String message, JsonNode value) {}

    /** What is wrong with a request body of {@code method path}, field by field, as Quo's error body lists it. */
    public static List<Problem> requestFieldProblems(String method, String path, JsonNode body) {
        return errors(pointer(path, method) + "/requestBody/content/application~1json/schema", body).stream()
                .map(error -> {
                    StringBuilder pointer = new StringBuilder();
                    for (int i = 0; i < error.getInstanceLocation().getNameCount(); i++) {
                        pointer.append('/').append(error.getInstanceLocation().getElement(i));
                    }
                    return new Problem(pointer.toString(), error.getMessage(), error.getInstanceNode());
                })
                .toList();
    }

    /**
     * What is wrong with an answer of {@code method path} with {@code status}, by the spec; empty when it conforms.
     * A status the spec does not document (Quo's 429) has no schema to check against and conforms; a 204 must have no
     * body.
     */
    public static List<String> responseProblems(String method, String path, int status, JsonNode body) {
        if (status == 429) {
            return List.of();
        }
        if (status == 204) {
            return body == null || body.isNull() || body.isMissingNode() ? List.of() : List.of("a 204 has a body");
        }
        return problems(pointer(path, method) + "/responses/" + status + "/content/application~1json/schema", body);
    }

    private static String pointer(String path, String method) {
        return "#/paths/" + template(path).replace("~", "~0").replace("/", "~1") + "/" + method.toLowerCase();
    }

    private static List<String> problems(String pointer, JsonNode json) {
        return errors(pointer, json).stream().map(Error::toString).toList();
    }

    private static List<Error> errors(String pointer, JsonNode json) {
        Schema schema = SCHEMAS.computeIfAbsent(pointer, p -> REGISTRY.getSchema(SchemaLocation.of(DOCUMENT + p)));
        return schema.validate(
                json, context -> context.executionConfig(config -> config.formatAssertionsEnabled(true)));
    }
}
