package dev.tasklane.events;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Headers;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;

/**
 * Kafka value serializer of task events: the JSON of {@link TaskEventJson}, plus the {@code event_type} and
 * {@code task_type} headers, and none of Spring's Java type headers.
 */
public class TaskEventSerializer extends JacksonJsonSerializer<TaskEvent> {

    public TaskEventSerializer() {
        super(TaskEventJson.mapper());
        setAddTypeInfo(false);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, TaskEvent event) {
        if (event != null && headers != null) {
            headers.remove(TaskEventHeaders.EVENT_TYPE);
            headers.remove(TaskEventHeaders.TASK_TYPE);
            headers.add(TaskEventHeaders.EVENT_TYPE, event.eventType().getBytes(StandardCharsets.UTF_8));
            headers.add(TaskEventHeaders.TASK_TYPE, event.taskType().getBytes(StandardCharsets.UTF_8));
        }
        return super.serialize(topic, headers, event);
    }
}
