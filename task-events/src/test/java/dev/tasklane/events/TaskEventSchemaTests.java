package dev.tasklane.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The checked-in JSON Schemas and the Java records describe the same events. */
class TaskEventSchemaTests {

    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private static List<Error> validate(String eventType, JsonNode json) {
        Schema schema = REGISTRY.getSchema(SchemaLocation.of("classpath:schemas/" + eventType + ".schema.json"));
        return schema.validate(
                json, context -> context.executionConfig(config -> config.formatAssertionsEnabled(true)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "TaskRequested",
                "TaskStarted",
                "TaskCompleted",
                "TaskFailed",
                "TaskDismissed",
                "TaskWaiting",
                "TaskResolved"
            })
    void sampleConformsToItsSchema(String eventType) {
        assertThat(validate(eventType, Samples.tree(eventType))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "TaskRequested",
                "TaskStarted",
                "TaskCompleted",
                "TaskFailed",
                "TaskDismissed",
                "TaskWaiting",
                "TaskResolved"
            })
    void whatJavaWritesConformsToTheSchema(String eventType) {
        TaskRef task = TaskRef.newTask(
                TaskTypes.CALCULATE_DRIVE_TIMES, EntityTypes.DRIVER, UUID.randomUUID(), "Sam Driver", null);
        TaskEvent event = switch (eventType) {
            case TaskRequested.TYPE ->
                TaskRequested.of(task, Map.of("driver_id", task.entityId().toString()), "Dana");
            case TaskStarted.TYPE -> TaskStarted.of(task, "w-1");
            case TaskCompleted.TYPE -> TaskCompleted.of(task, "w-1", Map.of("drivers", 1));
            case TaskDismissed.TYPE -> TaskDismissed.of(task, UUID.randomUUID());
            case TaskWaiting.TYPE ->
                TaskWaiting.of(task, "w-1", "google_maps", "Google Maps is down; it runs by itself.");
            case TaskResolved.TYPE -> TaskResolved.of(task, TaskResolved.NO_LONGER_NEEDED, "The driver was deleted.");
            default -> TaskFailed.of(task, "w-1", new TaskError("It broke: do this.", "X", "worker", true));
        };

        assertThat(validate(eventType, TaskEventJson.mapper().readTree(TaskEventJson.write(event))))
                .isEmpty();
    }

    @Test
    void theSchemaRejectsAnEventOfAnotherType() {
        assertThat(validate("TaskStarted", Samples.tree("TaskRequested"))).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"event_id", "occurred_at", "task_id", "task_type", "entity_id", "attempt"})
    void theSchemaRejectsAnEventWithoutARequiredField(String field) {
        ObjectNode json = Samples.tree("TaskFailed");
        json.remove(field);

        assertThat(validate("TaskFailed", json))
                .extracting(Error::getMessage)
                .anySatisfy(message -> assertThat(message).contains(field));
    }

    @Test
    void theSchemaRejectsMalformedValues() {
        ObjectNode json = Samples.tree("TaskCompleted");
        json.put("task_id", "not-a-uuid");
        json.put("occurred_at", "yesterday");
        json.put("attempt", 0);

        assertThat(validate("TaskCompleted", json)).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void theSchemaAllowsFieldsAddedLater() {
        ObjectNode json = Samples.tree("TaskStarted");
        json.put("host", "node-7");

        assertThat(validate("TaskStarted", json)).isEmpty();
    }

    @Test
    void aSystemTaskMayHaveANullCreator() {
        ObjectNode json = Samples.tree("TaskStarted");
        json.putNull("created_by");
        assertThat(validate("TaskStarted", json)).isEmpty();

        json.put("occurred_at", Instant.now().toString());
        json.put("created_by", "someone");
        assertThat(validate("TaskStarted", json)).isNotEmpty();
    }
}
