package dev.tasklane.ledger.projection;

import java.util.List;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes every request topic and {@code task.status}, a batch at a time. Offsets are committed after the listener
 * returns, which is after the batch's transaction committed.
 */
@Component
class ProjectionListener {

    /** Every {@code task.requested.<type>} topic and {@code task.status}; never a -retry or -dlt topic. */
    static final String TOPICS = TaskTopics.REQUESTED_REGEX + "|task\\.status";

    private final ProjectionBatch batch;

    ProjectionListener(ProjectionBatch batch) {
        this.batch = batch;
    }

    @KafkaListener(
            id = "task-ledger-projection",
            topicPattern = TOPICS,
            batch = "true",
            autoStartup = "${tasklane.ledger.projection.auto-startup:true}")
    void onEvents(List<ConsumerRecord<String, TaskEvent>> records) {
        batch.project(records);
    }
}
