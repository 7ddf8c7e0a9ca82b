package dev.tasklane.quo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.simulators.quo.QuoSimulator;
import dev.tasklane.simulators.quo.QuoSpec;
import dev.tasklane.testsupport.HttpJson;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;

import static dev.tasklane.quo.QuoSimulatorHolder.SIMULATOR;

/**
 * Test data and the world around the worker: clients and appointments in the database, {@code sync_quo} requests on
 * Kafka, and the Quo simulator, driven over HTTP like any client of it (its control API, and its public API as a person
 * editing contacts in Quo would).
 */
public final class Clients {

    private static final HttpJson QUO = new HttpJson(SIMULATOR.port());

    private final JdbcTemplate jdbc;
    private final KafkaTemplate<String, TaskEvent> kafka;

    public Clients(JdbcTemplate jdbc, KafkaTemplate<String, TaskEvent> kafka) {
        this.jdbc = jdbc;
        this.kafka = kafka;
    }

    public UUID aClient(String name, String phone, String email) {
        return jdbc.queryForObject(
                "INSERT INTO clients (name, phone, email, address) VALUES (?, ?, ?, ?) RETURNING id",
                UUID.class,
                name,
                phone,
                email,
                "1 " + name + " Street, Springfield");
    }

    public UUID anAppointment(UUID client, Instant at, String pickup, String dropoff) {
        return jdbc.queryForObject(
                "INSERT INTO appointments (client_id, scheduled_at, pickup_address, dropoff_address) "
                        + "VALUES (?, ?, ?, ?) RETURNING id",
                UUID.class,
                client,
                java.sql.Timestamp.from(at),
                pickup,
                dropoff);
    }

    /** Saves a change of {@code appointment} as the gateway does: the values, and one revision more; returns it. */
    public int change(UUID appointment, String set, Object... values) {
        Object[] parameters = java.util.Arrays.copyOf(values, values.length + 1);
        parameters[values.length] = appointment;
        return jdbc.queryForObject(
                "UPDATE appointments SET " + set + ", revision = revision + 1 WHERE id = ? RETURNING revision",
                Integer.class,
                parameters);
    }

    /** Publishes a {@code send_appointment_text} request for {@code revision} of {@code appointment}. */
    public TaskRequested text(UUID appointment, int revision, String name) {
        TaskRequested request = TaskRequested.of(
                TaskRef.newTask(
                        TaskTypes.SEND_APPOINTMENT_TEXT, EntityTypes.APPOINTMENT, appointment, name, UUID.randomUUID()),
                Map.of("appointment_id", appointment.toString(), "revision", revision));
        send(request);
        return request;
    }

    /** The texts Quo sent to {@code phone}, oldest first. */
    public static List<QuoSimulator.Text> textsTo(String phone) {
        return SIMULATOR.texts().stream()
                .filter(text -> text.to().equals(phone))
                .toList();
    }

    /** What someone texting from Quo's app does: a text from the workspace's number. */
    public void textInQuo(String to, String content) {
        call(
                "POST",
                "/v1/messages",
                JSON_TEXT.formatted(QuoSimulator.PHONE_NUMBER_ID, to, content.replace("\"", "\\\"")));
    }

    private static final String JSON_TEXT = "{\"from\": \"%s\", \"to\": [\"%s\"], \"content\": \"%s\"}";

    public String quoContactId(UUID client) {
        return jdbc.queryForObject("SELECT quo_contact_id FROM clients WHERE id = ?", String.class, client);
    }

    /** Publishes a {@code sync_quo} request, as the gateway's relay would. */
    public TaskRequested sync(String entityType, UUID entityId, String name) {
        TaskRequested request = TaskRequested.of(
                TaskRef.newTask(TaskTypes.SYNC_QUO, entityType, entityId, name, UUID.randomUUID()),
                Map.of(entityType.equals(EntityTypes.CLIENT) ? "client_id" : "appointment_id", entityId.toString()));
        send(request);
        return request;
    }

    public TaskRequested syncClient(UUID client, String name) {
        return sync(EntityTypes.CLIENT, client, name);
    }

    /** Publishes {@code request} again or for the first time; returns the partition it went to. */
    public int send(TaskRequested request) {
        return send(request, null);
    }

    /** Publishes {@code request} to a chosen partition of the topic; returns the partition. */
    public int send(TaskRequested request, Integer partition) {
        try {
            return kafka.send(
                            TaskTopics.requested(request.taskType()),
                            partition,
                            request.taskId().toString(),
                            request)
                    .get(10, TimeUnit.SECONDS)
                    .getRecordMetadata()
                    .partition();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The contacts in Quo whose externalId is {@code client}'s id. */
    public List<JsonNode> contactsOf(UUID client) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode contact : QUO.get("/_sim/contacts", null).body().get("data")) {
            if (client.toString().equals(contact.path("externalId").asString(null))) {
                found.add(contact);
            }
        }
        return found;
    }

    public JsonNode contactOf(UUID client) {
        List<JsonNode> found = contactsOf(client);
        if (found.size() != 1) {
            throw new AssertionError("expected one Quo contact of client " + client + ", found " + found.size());
        }
        return found.get(0);
    }

    /** What someone editing the contact in Quo's app does: a PATCH with the key. */
    public void editInQuo(String contactId, String json) {
        call("PATCH", "/v1/contacts/" + contactId, json);
    }

    public void createInQuo(String json) {
        call("POST", "/v1/contacts", json);
    }

    public void deleteInQuo(String contactId) {
        call("DELETE", "/v1/contacts/" + contactId, null);
    }

    private static void call(String method, String path, String json) {
        int status = QUO.call(method, path, Map.of("Authorization", QuoSimulatorHolder.KEY), json)
                .status();
        if (status >= 300) {
            throw new AssertionError(method + " " + path + " answered " + status);
        }
    }

    public static void mode(String json) {
        QUO.post("/_sim/mode", null, json);
    }

    public static void customFields(String json) {
        QUO.post("/_sim/custom-fields", null, json);
    }

    public static JsonNode stats() {
        return QUO.get("/_sim/stats", null).body();
    }

    /** Every request the simulator answered and every answer it gave, checked against Quo's OpenAPI document. */
    public static List<String> specProblems() {
        List<String> problems = new ArrayList<>();
        for (QuoSimulator.Exchange exchange : SIMULATOR.exchanges()) {
            String call = exchange.method() + " " + exchange.path() + " → " + exchange.status() + ": ";
            if (exchange.request() != null) {
                QuoSpec.requestProblems(exchange.method(), exchange.path(), exchange.request())
                        .forEach(problem -> problems.add(call + "request " + problem));
            }
            QuoSpec.responseProblems(exchange.method(), exchange.path(), exchange.status(), exchange.response())
                    .forEach(problem -> problems.add(call + "answer " + problem));
        }
        return problems;
    }
}
