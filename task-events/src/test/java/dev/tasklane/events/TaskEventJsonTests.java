package dev.tasklane.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskEventJsonTests {

    private static final UUID TASK = UUID.fromString("0b9a7c52-3e1d-4f6a-8b2c-91d4e7f0a3b5");
    private static final UUID CLIENT = UUID.fromString("7f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f");
    private static final UUID USER = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

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
    void sampleSurvivesARoundTripUnchanged(String eventType) {
        TaskEvent event = TaskEventJson.read(Samples.json(eventType));

        JsonNode written = TaskEventJson.mapper().readTree(TaskEventJson.write(event));

        assertThat(event.eventType()).isEqualTo(eventType);
        assertThat(written).isEqualTo(Samples.tree(eventType));
    }

    @Test
    void requestedSampleReadsIntoItsFields() {
        TaskRequested event = (TaskRequested) TaskEventJson.read(Samples.json("TaskRequested"));

        assertThat(event.eventId()).isEqualTo(UUID.fromString("5d3c1f8e-8a0b-4c52-9f3e-2b7d6a1c9e01"));
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-11-30T14:03:27.412Z"));
        assertThat(event.task())
                .isEqualTo(new TaskRef(
                        TASK, TaskTypes.CALCULATE_DRIVE_TIMES, EntityTypes.CLIENT, CLIENT, "Jane Doe", USER, 1));
        assertThat(event.payload()).containsEntry("client_id", CLIENT.toString());
        assertThat(event.requestedByName()).isEqualTo("Dana Dispatcher");
        assertThat(event.status()).isEqualTo(TaskStatus.PENDING);
    }

    @Test
    void waitingSampleReadsIntoItsFields() {
        TaskWaiting event = (TaskWaiting) TaskEventJson.read(Samples.json("TaskWaiting"));

        assertThat(event.waitingFor()).isEqualTo("google_maps");
        assertThat(event.reason()).startsWith("Google Maps is not answering");
        assertThat(event.status()).as("held back, not failed").isEqualTo(TaskStatus.RUNNING);
    }

    @Test
    void aRequestWithoutTheRequestersNameStillReads() {
        ObjectNode json = Samples.tree("TaskRequested");
        json.remove("requested_by_name");

        assertThat(((TaskRequested) TaskEventJson.read(json.toString())).requestedByName())
                .isNull();
    }

    @Test
    void startedSampleReadsIntoItsFields() {
        TaskStarted event = (TaskStarted) TaskEventJson.read(Samples.json("TaskStarted"));

        assertThat(event.worker()).isEqualTo("drive-time-worker-7c9f-1");
        assertThat(event.taskId()).isEqualTo(TASK);
        assertThat(event.status()).isEqualTo(TaskStatus.RUNNING);
    }

    @Test
    void completedSampleReadsIntoItsFields() {
        TaskCompleted event = (TaskCompleted) TaskEventJson.read(Samples.json("TaskCompleted"));

        assertThat(event.result()).containsEntry("drivers", 14).containsEntry("api_requests", 1);
        assertThat(event.status()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void failedSampleReadsIntoItsFields() {
        TaskFailed event = (TaskFailed) TaskEventJson.read(Samples.json("TaskFailed"));

        assertThat(event.createdBy()).as("a system task has no user").isNull();
        assertThat(event.attempt()).isEqualTo(2);
        assertThat(event.error().code()).isEqualTo("HTTP_401");
        assertThat(event.error().source()).isEqualTo("quo");
        assertThat(event.error().retryable()).isFalse();
        assertThat(event.error().message()).contains("QUO_API_KEY");
        assertThat(event.status()).isEqualTo(TaskStatus.FAILED);
    }

    @Test
    void dismissedSampleReadsIntoItsFields() {
        TaskDismissed event = (TaskDismissed) TaskEventJson.read(Samples.json("TaskDismissed"));

        assertThat(event.dismissedBy()).isEqualTo(UUID.fromString("5e5e0000-0000-4000-8000-000000000003"));
        assertThat(event.createdBy()).isEqualTo(USER);
        assertThat(event.attempt()).isEqualTo(2);
    }

    @Test
    void writesTimestampsAsRfc3339UtcAndTheTypeAsEventType() {
        TaskRef task = new TaskRef(TASK, TaskTypes.SYNC_QUO, EntityTypes.CLIENT, CLIENT, "Jane Doe", USER, 1);
        TaskStarted event = new TaskStarted(
                UUID.randomUUID(),
                Instant.parse("2026-11-30T14:03:27.530Z"),
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                1,
                "w-1");

        JsonNode json = TaskEventJson.mapper().readTree(TaskEventJson.write(event));

        assertThat(json.get("occurred_at").asString()).isEqualTo("2026-11-30T14:03:27.530Z");
        assertThat(json.get("event_type").asString()).isEqualTo("TaskStarted");
        assertThat(json.get("task_id").asString()).isEqualTo(TASK.toString());
        assertThat(json.has("eventId")).as("field names are snake_case").isFalse();
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
    void unknownFieldsAreIgnored(String eventType) {
        ObjectNode json = Samples.tree(eventType);
        json.put("priority", "high");
        json.putObject("tracing").put("span", "abc");

        TaskEvent event = TaskEventJson.read(json.toString());

        assertThat(event.taskId())
                .isEqualTo(
                        UUID.fromString(Samples.tree(eventType).get("task_id").asString()));
    }

    @ParameterizedTest(name = "{0} without {1}")
    @CsvSource({
        "TaskRequested, event_id",
        "TaskRequested, occurred_at",
        "TaskRequested, task_id",
        "TaskRequested, task_type",
        "TaskRequested, entity_type",
        "TaskRequested, entity_id",
        "TaskRequested, entity_name",
        "TaskRequested, attempt",
        "TaskStarted, worker",
        "TaskCompleted, worker",
        "TaskFailed, worker",
        "TaskFailed, error",
        "TaskCompleted, task_id",
        "TaskFailed, attempt",
        "TaskDismissed, dismissed_by",
        "TaskDismissed, task_id",
        "TaskWaiting, waiting_for",
        "TaskWaiting, reason",
        "TaskWaiting, worker",
        "TaskResolved, resolution",
        "TaskResolved, reason"
    })
    void aMissingRequiredFieldIsAnErrorThatNamesIt(String eventType, String field) {
        ObjectNode json = Samples.tree(eventType);
        json.remove(field);

        assertThatThrownBy(() -> TaskEventJson.read(json.toString())).hasMessageContaining("'" + field + "'");
    }

    @Test
    void aMissingErrorMessageIsAnErrorThatNamesIt() {
        ObjectNode json = Samples.tree("TaskFailed");
        ((ObjectNode) json.get("error")).remove("message");

        assertThatThrownBy(() -> TaskEventJson.read(json.toString())).hasMessageContaining("'error.message'");
    }

    @Test
    void aMissingEventTypeIsAnErrorThatNamesIt() {
        ObjectNode json = Samples.tree("TaskStarted");
        json.remove("event_type");

        assertThatThrownBy(() -> TaskEventJson.read(json.toString())).hasMessageContaining("event_type");
    }

    @Test
    void anUnknownEventTypeIsAnError() {
        ObjectNode json = Samples.tree("TaskStarted");
        json.put("event_type", "TaskExploded");

        assertThatThrownBy(() -> TaskEventJson.read(json.toString())).hasMessageContaining("TaskExploded");
    }

    @Test
    void aTaskTypeThatCannotNameATopicIsRejected() {
        ObjectNode json = Samples.tree("TaskRequested");
        json.put("task_type", "Sync Quo!");

        assertThatThrownBy(() -> TaskEventJson.read(json.toString()))
                .hasMessageContaining("'task_type'")
                .hasMessageContaining("Sync Quo!");
    }

    @Test
    void aMissingPayloadOrResultReadsAsAnEmptyObject() {
        ObjectNode requested = Samples.tree("TaskRequested");
        requested.remove("payload");
        ObjectNode completed = Samples.tree("TaskCompleted");
        completed.remove("result");

        assertThat(((TaskRequested) TaskEventJson.read(requested.toString())).payload())
                .isEmpty();
        assertThat(((TaskCompleted) TaskEventJson.read(completed.toString())).result())
                .isEmpty();
    }

    @Test
    void factoriesCopyTheTaskIdentityAndStampTheEvent() {
        TaskRef task = TaskRef.newTask(TaskTypes.SYNC_QUO, EntityTypes.APPOINTMENT, UUID.randomUUID(), "Visit", USER);
        TaskError error = new TaskError("Quo said no", "HTTP_403", "quo", false);

        TaskFailed failed = TaskFailed.of(task, "w-1", error);
        TaskRequested retry = TaskRequested.of(task.nextAttempt(), Map.of("appointment_id", "a"));

        assertThat(failed.task()).isEqualTo(task);
        assertThat(failed.eventId())
                .isNotEqualTo(TaskFailed.of(task, "w-1", error).eventId());
        assertThat(failed.occurredAt()).isBeforeOrEqualTo(Instant.now());
        assertThat(retry.taskId()).isEqualTo(task.taskId());
        assertThat(retry.attempt()).isEqualTo(2);
    }

    @Test
    void payloadIsCopiedSoTheEventCannotChangeAfterwards() {
        java.util.HashMap<String, Object> payload = new java.util.HashMap<>(Map.of("client_id", "a"));
        TaskRequested event = TaskRequested.of(
                TaskRef.newTask(TaskTypes.SYNC_QUO, EntityTypes.CLIENT, UUID.randomUUID(), "A", null), payload);

        payload.put("client_id", "b");

        assertThat(event.payload()).containsEntry("client_id", "a");
        assertThatThrownBy(() -> event.payload().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }
}
