package dev.tasklane.events;

import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;

/**
 * Kafka value deserializer of task events. It reads the type from the JSON's {@code event_type} field, never from Java
 * type headers. Wrap it in Spring Kafka's {@code ErrorHandlingDeserializer} so a record that cannot be read reaches the
 * error handler (and the dead-letter topic) instead of blocking its partition.
 */
public class TaskEventDeserializer extends JacksonJsonDeserializer<TaskEvent> {

    public TaskEventDeserializer() {
        super(TaskEvent.class, TaskEventJson.mapper(), false);
    }
}
