package dev.tasklane.ledger.projection;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/** Checks that a consumed record is a task event that belongs where it was found. */
final class EventContract {

    private static final LogAccessor LOG = new LogAccessor(LogFactory.getLog(EventContract.class));

    private EventContract() {}

    /** The event of {@code record}, or a {@link ContractViolationException} that says what is wrong with it. */
    static TaskEvent check(ConsumerRecord<String, TaskEvent> record) {
        TaskEvent event = record.value();
        if (event == null) {
            DeserializationException cause = SerializationUtils.getExceptionFromHeader(
                    record, SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
            throw new ContractViolationException(
                    "The record at " + where(record) + " is not a readable task event: "
                            + (cause == null ? "it has no value" : rootMessage(cause)),
                    cause);
        }
        boolean requestTopic =
                TaskTopics.REQUESTED_PATTERN.matcher(record.topic()).matches();
        if (requestTopic && !(event instanceof TaskRequested)) {
            throw new ContractViolationException("A " + event.eventType() + " was published to the request topic "
                    + record.topic() + " (" + where(record) + "); only TaskRequested belongs there");
        }
        if (requestTopic && !record.topic().equals(TaskTopics.requested(event.taskType()))) {
            throw new ContractViolationException("A request of task type " + event.taskType() + " was published to "
                    + record.topic() + " (" + where(record) + ")");
        }
        if (!requestTopic && event instanceof TaskRequested) {
            throw new ContractViolationException("A TaskRequested was published to " + record.topic() + " ("
                    + where(record) + "); requests belong on " + TaskTopics.requested(event.taskType()));
        }
        if (record.key() != null && !record.key().equals(event.taskId().toString())) {
            throw new ContractViolationException("The record at " + where(record) + " has key " + record.key()
                    + " but is about task " + event.taskId() + "; the key must be the task id");
        }
        return event;
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
