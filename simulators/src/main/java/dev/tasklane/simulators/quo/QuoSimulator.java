package dev.tasklane.simulators.quo;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import dev.tasklane.simulators.SimulatorServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Quo's (formerly OpenPhone's) public API v1 contact and message endpoints on loopback, as its OpenAPI document
 * describes them ({@code fixtures/quo/openphone-public-api-v1.json}): {@code POST /v1/contacts}, {@code GET
 * /v1/contacts?externalIds=…&maxResults=…}, {@code GET}/{@code PATCH}/{@code DELETE /v1/contacts/{id}}, {@code GET
 * /v1/contact-custom-fields}, {@code POST /v1/messages} (202), {@code GET /v1/messages?phoneNumberId=…&participants=…
 * &createdAfter=…&maxResults=…}, {@code GET /v1/phone-numbers} (one number, {@link #PHONE_NUMBER_ID} /
 * {@link #PHONE_NUMBER}), with the API key in {@code Authorization} (no "Bearer"), the spec's error bodies and codes
 * per part of the API, 409 on a duplicate {@code externalId} (the body observed from the real API), 404 on an unknown
 * id, and 10 requests per second per key, contacts and texts together (429 beyond). A PATCH replaces the
 * {@code emails}, {@code phoneNumbers} and {@code customFields} arrays it carries, as later documentation says. A text
 * body is checked against the spec itself ({@link QuoSpec}). Contacts and texts live in memory.
 *
 * <p>Modes ({@code POST /_sim/mode}): {@code ok}, {@code rate_limited} (429), {@code server_error} (500),
 * {@code unauthorized} (401), {@code forbidden} (403, "Not Phone Number User"), {@code slow}, and, for sending a text
 * only (other calls neither see them nor use up their count), {@code invalid_number}, {@code landline},
 * {@code opted_out}: the spec's only documented 400 for messages, whose message says which, and {@code sent_slow}: the
 * text is sent, and the answer comes {@code slow_ms} later. Extra control:
 * {@code GET /_sim/contacts}, {@code GET /_sim/messages}, {@code POST /_sim/custom-fields} (the workspace's custom
 * fields).
 */
public class QuoSimulator extends SimulatorServer {

    public static final String DEFAULT_KEY = "quo-simulator-key";
    /** The workspace's one phone number: its id and its number, either of which a text may be sent {@code from}. */
    public static final String PHONE_NUMBER_ID = "PNsimulator01";

    public static final String PHONE_NUMBER = "+13125550100";
    /** The modes that act on sending a text ({@code POST /v1/messages}) only. */
    static final Set<String> TEXT_MODES = Set.of("invalid_number", "landline", "opted_out", "sent_slow");

    private static final int REQUESTS_PER_SECOND = 10;
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{1,14}$");
    private static final Set<String> RESERVED_SOURCES =
            Set.of("openphone", "device", "csv", "zapier", "google-people", "other");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The title of the only 400 the spec documents for messages; what went wrong is in its message and errors. */
    private static final String A2P = "A2P Registration Not Approved";

    private final Set<String> keys;
    private final Map<String, ObjectNode> contacts = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> customFields = new CopyOnWriteArrayList<>();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong updated = new AtomicLong();
    private final List<Text> texts = new CopyOnWriteArrayList<>();

    /** One request the simulator answered, for checking both sides against the spec. */
    public record Exchange(String method, String path, JsonNode request, int status, JsonNode response) {}

    /** A text Quo accepted to send: to whom, from which number, what it says, and when. */
    public record Text(String id, String to, String from, String content, Instant sentAt) {}

    /** The API's parts: each has error codes of its own in the spec. */
    private enum Api {
        CONTACTS(Map.of(400, "0801400", 401, "0800401", 403, "0801403", 404, "0800404", 500, "0801500")),
        CUSTOM_FIELDS(Map.of(401, "0700401", 403, "0700403", 500, "0701500")),
        MESSAGES(Map.of(400, "0206400", 401, "0200401", 403, "0202403", 404, "0200404", 500, "0201500")),
        PHONE_NUMBERS(Map.of(400, "0400400", 401, "0400401", 403, "0400403", 404, "0400404", 500, "0401500"));

        private final Map<Integer, String> codes;

        Api(Map<Integer, String> codes) {
            this.codes = codes;
        }

        static Api of(String path) {
            return switch (path) {
                case "/v1/contact-custom-fields" -> CUSTOM_FIELDS;
                case "/v1/messages" -> MESSAGES;
                case "/v1/phone-numbers" -> PHONE_NUMBERS;
                default -> CONTACTS;
            };
        }

        /** The spec's code of an answer with {@code status} here: {@code 0800401}, {@code 0206400}, … */
        String code(int status) {
            return codes.get(status);
        }
    }

    public QuoSimulator(int port) {
        this(port, DEFAULT_KEY);
    }

    public QuoSimulator(int port, String... keys) {
        super(port);
        this.keys = Set.of(keys);
        resetState();
    }

    @Override
    protected Set<String> modes() {
        Set<String> modes =
                new java.util.HashSet<>(Set.of("rate_limited", "server_error", "unauthorized", "forbidden"));
        modes.addAll(TEXT_MODES);
        return modes;
    }

    @Override
    protected synchronized void resetState() {
        if (contacts == null) {
            return;
        }
        contacts.clear();
        exchanges.clear();
        created.set(0);
        updated.set(0);
        texts.clear();
        customFields.clear();
        customFields.add(Map.of("name", "Next appointment", "key", "next-appointment", "type", "date"));
        customFields.add(Map.of("name", "Pickup address", "key", "pickup-address", "type", "address"));
        customFields.add(Map.of("name", "Dropoff address", "key", "dropoff-address", "type", "address"));
    }

    @Override
    protected void addStats(Map<String, Object> stats) {
        stats.put("contacts", contacts.size());
        stats.put("created", created.get());
        stats.put("updated", updated.get());
        stats.put("texts", texts.size());
    }

    /** Every contact, as the API would return it. */
    public Collection<ObjectNode> contacts() {
        return contacts.values();
    }

    /** Every text sent since the last reset, oldest first. */
    public List<Text> texts() {
        return List.copyOf(texts);
    }

    /** Every request answered since the last reset. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    @Override
    protected boolean control(String name, HttpExchange exchange) throws IOException {
        switch (name) {
            case "contacts" -> respond(exchange, 200, Map.of("data", contacts.values()));
            case "messages" ->
                respond(
                        exchange,
                        200,
                        Map.of("data", texts.stream().map(this::message).toList()));
            case "custom-fields" -> {
                customFields.clear();
                readJson(exchange)
                        .forEach(field -> customFields.add(Map.of(
                                "name",
                                field.get("name").asString(),
                                "key",
                                field.get("key").asString(),
                                "type",
                                field.get("type").asString())));
                respond(exchange, 200, Map.of("data", customFields));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        JsonNode body = method.equals("POST") || method.equals("PATCH") ? safeRead(exchange) : null;
        Answer answer = answer(exchange, method, path, body);
        recordStatus(String.valueOf(answer.status()));
        JsonNode response = JSON.valueToTree(answer.body());
        exchanges.add(new Exchange(method, path, body, answer.status(), response));
        respond(exchange, answer.status(), answer.body());
    }

    private record Answer(int status, Object body) {}

    private Answer answer(HttpExchange exchange, String method, String path, JsonNode body) {
        String key = exchange.getRequestHeaders().getFirst("Authorization");
        Api api = Api.of(path);
        boolean sendingText = api == Api.MESSAGES && method.equals("POST");
        // a text mode acts on sending a text only: other calls neither see it nor count against it
        String mode = TEXT_MODES.contains(currentMode()) && !sendingText ? "ok" : takeMode();
        if (key == null || !keys.contains(key) || mode.equals("unauthorized")) {
            return error(
                    401, api.code(401), "Unauthorized", key == null ? "Missing API key" : "Invalid API key", List.of());
        }
        if (overQuota(key, REQUESTS_PER_SECOND) || mode.equals("rate_limited")) {
            return error(
                    429,
                    "0800429",
                    "Too Many Requests",
                    "Rate limit exceeded: at most 10 requests per second",
                    List.of());
        }
        if (mode.equals("forbidden")) {
            return api == Api.CONTACTS || api == Api.MESSAGES
                    ? error(
                            403,
                            api.code(403),
                            "Not Phone Number User",
                            "The API key's user is not a phone number user",
                            List.of())
                    : error(403, api.code(403), "Forbidden", "Forbidden", List.of());
        }
        if (mode.equals("server_error")) {
            return error(500, api.code(500), "Unknown", "An unknown error occurred", List.of());
        }
        if (api == Api.MESSAGES && method.equals("POST")) {
            return send(body, mode);
        }
        if (api == Api.MESSAGES && method.equals("GET")) {
            return listMessages(query(exchange));
        }
        if (api == Api.PHONE_NUMBERS && method.equals("GET")) {
            return new Answer(200, Map.of("data", List.of(phoneNumber())));
        }
        boolean customFieldsEndpoint = api == Api.CUSTOM_FIELDS;
        if (customFieldsEndpoint && method.equals("GET")) {
            return new Answer(200, Map.of("data", customFields));
        }
        if (path.equals("/v1/contacts") && method.equals("POST")) {
            return create(body);
        }
        if (path.equals("/v1/contacts") && method.equals("GET")) {
            return list(query(exchange));
        }
        if (path.startsWith("/v1/contacts/") && path.length() > "/v1/contacts/".length()) {
            String id = path.substring("/v1/contacts/".length());
            ObjectNode contact = contacts.get(id);
            if (contact == null) {
                return error(404, "0800404", "Not Found", "Contact not found", List.of());
            }
            if (method.equals("GET")) {
                return new Answer(200, Map.of("data", contact));
            }
            if (method.equals("PATCH")) {
                return patch(contact, body);
            }
            if (method.equals("DELETE")) {
                contacts.remove(id);
                return new Answer(204, null);
            }
        }
        return error(404, "0800404", "Not Found", "No route " + method + " " + path, List.of());
    }

    /**
     * {@code POST /v1/messages}: a body the spec refuses is a 400 naming the fields; {@code from} must be the
     * workspace's number or its id (404 otherwise); the text modes answer the spec's 400 with a message that says why
     * the recipient cannot get it.
     */
    private Answer send(JsonNode body, String mode) {
        List<QuoSpec.Problem> problems = body != null && body.isObject()
                ? QuoSpec.requestFieldProblems("POST", "/v1/messages", body)
                : List.of(new QuoSpec.Problem("", "Expected object", null));
        if (!problems.isEmpty()) {
            List<Map<String, Object>> errors = problems.stream()
                    .map(problem -> problem(problem.path(), problem.message(), problem.value()))
                    .toList();
            return error(400, Api.MESSAGES.code(400), A2P, "Invalid request body", errors);
        }
        String from = text(body, "from");
        if (!from.equals(PHONE_NUMBER_ID) && !from.equals(PHONE_NUMBER)) {
            return error(
                    404,
                    Api.MESSAGES.code(404),
                    "Not Found",
                    "Phone number " + from + " not found in this workspace",
                    List.of());
        }
        String to = body.get("to").get(0).asString();
        String refusal = switch (mode) {
            case "invalid_number" -> "Invalid phone number: " + to + " is not a valid mobile number";
            case "landline" -> "Cannot send to " + to + ": the number is a landline and cannot receive texts";
            case "opted_out" -> "Cannot send to " + to + ": the recipient has opted out of messages";
            default -> null;
        };
        if (refusal != null) {
            return error(400, Api.MESSAGES.code(400), A2P, refusal, List.of(problem("/to/0", refusal, to)));
        }
        Text text = new Text(
                "AC" + HexFormat.of().formatHex(RANDOM.generateSeed(12)),
                to,
                PHONE_NUMBER,
                body.get("content").asString(),
                Instant.now());
        texts.add(text);
        if (mode.equals("sent_slow")) {
            // Quo has the text, but its answer comes late: a client that gives up cannot know it went out
            sleep(slowMillis());
        }
        return new Answer(202, Map.of("data", message(text)));
    }

    /** {@code GET /v1/messages?phoneNumberId=…&participants=…&maxResults=…[&createdAfter=…]}, oldest first. */
    private Answer listMessages(Map<String, String> query) {
        List<Map<String, Object>> errors = new ArrayList<>();
        String phoneNumberId = query.get("phoneNumberId");
        String participants = query.get("participants");
        if (phoneNumberId == null || !phoneNumberId.startsWith("PN")) {
            errors.add(problem("/phoneNumberId", "Expected string starting with PN", phoneNumberId));
        }
        if (participants == null || participants.isBlank()) {
            errors.add(problem("/participants", "Expected array, received undefined", null));
        } else {
            for (String participant : participants.split("\u0000")) {
                if (!E164.matcher(participant).matches()) {
                    errors.add(problem("/participants", "Invalid phone number: use E.164", participant));
                }
            }
        }
        int max = 0;
        try {
            max = query.get("maxResults") == null ? 0 : Integer.parseInt(query.get("maxResults"));
        } catch (NumberFormatException e) {
            max = 0;
        }
        if (max < 1 || max > 100) {
            errors.add(problem("/maxResults", "Expected integer from 1 to 100", query.get("maxResults")));
        }
        Instant after = null;
        if (query.get("createdAfter") != null) {
            try {
                after = Instant.parse(query.get("createdAfter"));
            } catch (java.time.format.DateTimeParseException e) {
                errors.add(problem("/createdAfter", "Expected ISO 8601 date-time", query.get("createdAfter")));
            }
        }
        if (!errors.isEmpty()) {
            return error(400, Api.MESSAGES.code(400), A2P, "Invalid query parameters", errors);
        }
        Set<String> wanted = Set.of(participants.split("\u0000"));
        Instant since = after;
        List<Map<String, Object>> found = phoneNumberId.equals(PHONE_NUMBER_ID)
                ? texts.stream()
                        .filter(text -> wanted.contains(text.to()))
                        .filter(text -> since == null || text.sentAt().isAfter(since))
                        .limit(max)
                        .map(this::message)
                        .toList()
                : List.of();
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("data", found);
        page.put("totalItems", found.size());
        page.put("nextPageToken", null);
        return new Answer(200, page);
    }

    /** A text as the API shows it. */
    private Map<String, Object> message(Text text) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", text.id());
        message.put("to", List.of(text.to()));
        message.put("from", text.from());
        message.put("text", text.content());
        message.put("phoneNumberId", PHONE_NUMBER_ID);
        message.put("direction", "outgoing");
        message.put("userId", "USsimulator0001");
        message.put("status", "sent");
        message.put("createdAt", text.sentAt().toString());
        message.put("updatedAt", text.sentAt().toString());
        return message;
    }

    /** The workspace's one phone number, as {@code GET /v1/phone-numbers} lists it. */
    private static Map<String, Object> phoneNumber() {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("email", "owner@example.com");
        user.put("firstName", "Sim");
        user.put("groupId", "GRsimulator01");
        user.put("id", "USsimulator0001");
        user.put("lastName", "Ulator");
        user.put("role", "owner");
        Map<String, Object> unrestricted = Map.of("CA", "unrestricted", "US", "unrestricted", "Intl", "restricted");
        Map<String, Object> number = new LinkedHashMap<>();
        number.put("id", PHONE_NUMBER_ID);
        number.put("groupId", "GRsimulator01");
        number.put("createdAt", "2025-01-01T00:00:00.000Z");
        number.put("updatedAt", "2025-01-01T00:00:00.000Z");
        number.put("name", "Dispatch");
        number.put("number", PHONE_NUMBER);
        number.put("formattedNumber", "(312) 555-0100");
        number.put("forward", null);
        number.put("portRequestId", null);
        number.put("portingStatus", null);
        number.put("symbol", null);
        number.put("users", List.of(user));
        number.put("restrictions", Map.of("messaging", unrestricted, "calling", unrestricted));
        return number;
    }

    private synchronized Answer create(JsonNode body) {
        List<Map<String, Object>> errors = validate(body, true);
        if (!errors.isEmpty()) {
            return error(400, "0801400", "Invalid Custom Field Item", "Invalid request body", errors);
        }
        String externalId = text(body, "externalId");
        if (externalId != null && contacts.values().stream().anyMatch(c -> externalId.equals(text(c, "externalId")))) {
            // the body observed from the real API on a duplicate externalId
            return error(409, "0800409", "Conflict", "Failed to create contact", List.of());
        }
        ObjectNode contact = JSON.createObjectNode();
        String id = HexFormat.of().formatHex(RANDOM.generateSeed(12));
        String now = Instant.now().toString();
        contact.put("id", id);
        contact.put("externalId", externalId);
        contact.put("source", body.hasNonNull("source") ? body.get("source").asString() : "public-api");
        contact.put("sourceUrl", text(body, "sourceUrl"));
        ObjectNode fields = contact.putObject("defaultFields");
        JsonNode given = body.get("defaultFields");
        for (String name : List.of("company", "firstName", "lastName", "role")) {
            fields.put(name, text(given, name));
        }
        fields.set("emails", withIds(given.get("emails")));
        fields.set("phoneNumbers", withIds(given.get("phoneNumbers")));
        contact.set("customFields", customFieldValues(body.get("customFields")));
        contact.put("createdAt", now);
        contact.put("updatedAt", now);
        contact.put(
                "createdByUserId",
                body.hasNonNull("createdByUserId") ? body.get("createdByUserId").asString() : "USsimulator0001");
        contacts.put(id, contact);
        created.incrementAndGet();
        return new Answer(201, Map.of("data", contact));
    }

    private Answer list(Map<String, String> query) {
        String externalIds = query.get("externalIds");
        String maxResults = query.get("maxResults");
        List<Map<String, Object>> errors = new ArrayList<>();
        if (externalIds == null || externalIds.isBlank()) {
            errors.add(problem("/externalIds", "Expected array, received undefined", null));
        }
        int max = 0;
        try {
            max = maxResults == null ? 0 : Integer.parseInt(maxResults);
        } catch (NumberFormatException e) {
            max = 0;
        }
        if (max < 1 || max > 50) {
            errors.add(problem("/maxResults", "Expected integer from 1 to 50", maxResults));
        }
        if (!errors.isEmpty()) {
            return error(400, "0801400", "Invalid Custom Field Item", "Invalid query parameters", errors);
        }
        Set<String> wanted = Set.of(externalIds.split("\u0000"));
        List<ObjectNode> found = contacts.values().stream()
                .filter(c -> wanted.contains(text(c, "externalId")))
                .limit(max)
                .toList();
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("data", found);
        page.put("totalItems", found.size());
        page.put("nextPageToken", null);
        return new Answer(200, page);
    }

    private synchronized Answer patch(ObjectNode contact, JsonNode body) {
        List<Map<String, Object>> errors = validate(body, false);
        if (!errors.isEmpty()) {
            return error(400, "0801400", "Invalid Custom Field Item", "Invalid request body", errors);
        }
        if (body.has("externalId")) {
            String externalId = text(body, "externalId");
            if (externalId != null
                    && contacts.values().stream()
                            .anyMatch(c -> c != contact && externalId.equals(text(c, "externalId")))) {
                return error(409, "0800409", "Conflict", "Failed to update contact", List.of());
            }
            contact.put("externalId", externalId);
        }
        for (String name : List.of("source", "sourceUrl")) {
            if (body.has(name)) {
                contact.put(name, text(body, name));
            }
        }
        JsonNode given = body.get("defaultFields");
        if (given != null) {
            ObjectNode fields = (ObjectNode) contact.get("defaultFields");
            for (String name : List.of("company", "firstName", "lastName", "role")) {
                if (given.has(name)) {
                    fields.put(name, text(given, name));
                }
            }
            // the arrays a PATCH carries replace the contact's arrays wholesale
            if (given.has("emails")) {
                fields.set("emails", withIds(given.get("emails")));
            }
            if (given.has("phoneNumbers")) {
                fields.set("phoneNumbers", withIds(given.get("phoneNumbers")));
            }
        }
        if (body.has("customFields")) {
            contact.set("customFields", customFieldValues(body.get("customFields")));
        }
        contact.put("updatedAt", Instant.now().toString());
        updated.incrementAndGet();
        return new Answer(200, Map.of("data", contact));
    }

    /** The problems of a create or patch body, with the spec's {path, message, value, schema} shape. */
    private List<Map<String, Object>> validate(JsonNode body, boolean creating) {
        List<Map<String, Object>> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            errors.add(problem("", "Expected object", null));
            return errors;
        }
        JsonNode fields = body.get("defaultFields");
        if (creating && (fields == null || !fields.isObject())) {
            errors.add(problem("/defaultFields", "Required", null));
        }
        if (fields != null && fields.isObject()) {
            if (creating && !fields.has("firstName")) {
                errors.add(problem("/defaultFields/firstName", "Required", null));
            }
            checkItems(
                    fields.get("phoneNumbers"),
                    "/defaultFields/phoneNumbers",
                    errors,
                    value -> E164.matcher(value).matches(),
                    "Invalid phone number: use E.164, for example +15555555555");
            checkItems(
                    fields.get("emails"),
                    "/defaultFields/emails",
                    errors,
                    value -> value.contains("@"),
                    "Invalid email address");
        }
        String externalId = text(body, "externalId");
        if (externalId != null && (externalId.isEmpty() || externalId.length() > 75)) {
            errors.add(problem("/externalId", "Expected string of 1 to 75 characters", externalId));
        }
        String source = text(body, "source");
        if (source != null
                && (RESERVED_SOURCES.contains(source) || source.startsWith("openphone") || source.startsWith("csv"))) {
            errors.add(problem("/source", "Reserved source", source));
        }
        JsonNode custom = body.get("customFields");
        if (custom != null) {
            for (int i = 0; i < custom.size(); i++) {
                String key = text(custom.get(i), "key");
                if (customFields.stream().noneMatch(field -> field.get("key").equals(key))) {
                    errors.add(problem(
                            "/customFields/" + i + "/key", "Custom field with key '" + key + "' does not exist", key));
                }
            }
        }
        return errors;
    }

    private static void checkItems(
            JsonNode items,
            String path,
            List<Map<String, Object>> errors,
            java.util.function.Predicate<String> valid,
            String message) {
        if (items == null) {
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.has("name")) {
                errors.add(problem(path + "/" + i + "/name", "Required", null));
            }
            if (!item.has("value")) {
                errors.add(problem(path + "/" + i + "/value", "Required", null));
            } else if (!item.get("value").isNull()
                    && !valid.test(item.get("value").asString())) {
                errors.add(problem(
                        path + "/" + i + "/value", message, item.get("value").asString()));
            }
        }
    }

    private static Map<String, Object> problem(String path, String message, Object value) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("path", path);
        problem.put("message", message);
        problem.put("value", value);
        problem.put("schema", Map.of("type", "string"));
        return problem;
    }

    private static ArrayNode withIds(JsonNode items) {
        ArrayNode copy = JSON.createArrayNode();
        if (items != null) {
            for (JsonNode item : items) {
                if (item.hasNonNull("value")) {
                    ObjectNode entry = copy.addObject();
                    entry.put("name", item.get("name").asString());
                    entry.put("value", item.get("value").asString());
                    entry.put(
                            "id",
                            item.hasNonNull("id")
                                    ? item.get("id").asString()
                                    : HexFormat.of().formatHex(RANDOM.generateSeed(4)));
                }
            }
        }
        return copy;
    }

    private ArrayNode customFieldValues(JsonNode given) {
        ArrayNode values = JSON.createArrayNode();
        if (given != null) {
            for (JsonNode item : given) {
                String key = text(item, "key");
                Map<String, Object> field = customFields.stream()
                        .filter(f -> f.get("key").equals(key))
                        .findFirst()
                        .orElseThrow();
                ObjectNode value = values.addObject();
                value.put("name", (String) field.get("name"));
                value.put("key", key);
                value.put("id", HexFormat.of().formatHex(RANDOM.generateSeed(4)));
                value.put("type", (String) field.get("type"));
                value.set("value", item.get("value"));
            }
        }
        return values;
    }

    private static Answer error(
            int status, String code, String title, String message, List<Map<String, Object>> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        body.put("code", code);
        body.put("status", status);
        body.put("docs", "https://openphone.com/docs");
        body.put("title", title);
        if (title.equals("Invalid Custom Field Item") || title.equals("Not Phone Number User") || title.equals(A2P)) {
            body.put("description", title);
        }
        if (!errors.isEmpty()) {
            body.put("errors", errors);
        }
        return new Answer(status, body);
    }

    private static String text(JsonNode node, String field) {
        return node == null || !node.hasNonNull(field) ? null : node.get(field).asString();
    }

    private static JsonNode safeRead(HttpExchange exchange) {
        try {
            return readJson(exchange);
        } catch (RuntimeException | IOException e) {
            return JSON.getNodeFactory().textNode("<not json>");
        }
    }
}
