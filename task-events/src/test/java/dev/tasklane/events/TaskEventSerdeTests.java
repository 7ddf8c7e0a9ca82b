package dev.tasklane.events;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.SerializationUtils;

import static org.assertj.core.api.Assertions.assertThat;

class TaskEventSerdeTests {

    private final TaskEventSerializer serializer = new TaskEventSerializer();

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void serializerWritesTheEventTypeAndTaskTypeHeadersAndNoJavaTypeHeaders() {
        TaskRef task = TaskRef.newTask(TaskTypes.SYNC_QUO, EntityTypes.CLIENT, UUID.randomUUID(), "Jane Doe", null);
        Headers headers = new RecordHeaders();

        serializer.serialize(TaskTopics.requested(task.taskType()), headers, TaskRequested.of(task, Map.of()));

        assertThat(header(headers, TaskEventHeaders.EVENT_TYPE)).isEqualTo("TaskRequested");
        assertThat(header(headers, TaskEventHeaders.TASK_TYPE)).isEqualTo("sync_quo");
        assertThat(headers.toArray()).hasSize(2);
    }

    @Test
    void serializerReplacesStaleHeadersInsteadOfAddingASecondValue() {
        TaskRef task = TaskRef.newTask(TaskTypes.SYNC_QUO, EntityTypes.CLIENT, UUID.randomUUID(), "Jane Doe", null);
        Headers headers = new RecordHeaders();
        headers.add(TaskEventHeaders.EVENT_TYPE, "TaskRequested".getBytes(StandardCharsets.UTF_8));

        serializer.serialize(TaskTopics.STATUS, headers, TaskStarted.of(task, "w-1"));

        assertThat(headers.headers(TaskEventHeaders.EVENT_TYPE)).hasSize(1);
        assertThat(header(headers, TaskEventHeaders.EVENT_TYPE)).isEqualTo("TaskStarted");
    }

    @Test
    void deserializerReadsWhatTheSerializerWrote() {
        TaskRef task =
                TaskRef.newTask(TaskTypes.CALCULATE_DRIVE_TIMES, EntityTypes.CLIENT, UUID.randomUUID(), "A", null);
        TaskCompleted sent = TaskCompleted.of(task, "w-1", Map.of("drivers", 3));
        Headers headers = new RecordHeaders();

        try (TaskEventDeserializer deserializer = new TaskEventDeserializer()) {
            TaskEvent received = deserializer.deserialize(
                    TaskTopics.STATUS, headers, serializer.serialize(TaskTopics.STATUS, headers, sent));

            assertThat(received).isEqualTo(sent);
        }
    }

    @Test
    void aRecordThatCannotBeReadBecomesAnErrorForTheListenerInsteadOfAnException() {
        Headers headers = new RecordHeaders();
        try (ErrorHandlingDeserializer<TaskEvent> deserializer =
                new ErrorHandlingDeserializer<>(new TaskEventDeserializer())) {

            TaskEvent value = deserializer.deserialize(
                    TaskTopics.STATUS,
                    headers,
                    "{\"event_type\":\"TaskStarted\",\"task_id\":".getBytes(StandardCharsets.UTF_8));

            assertThat(value).isNull();
            assertThat(headers.lastHeader(SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER))
                    .isNotNull();
        }
    }
}
