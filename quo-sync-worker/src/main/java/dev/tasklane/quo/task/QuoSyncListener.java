package dev.tasklane.quo.task;

import java.util.List;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.worker.TaskRunner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Hands each poll of {@code sync_quo} requests to the handler; instances share the topic's partitions in one consumer group. */
@Component
class QuoSyncListener {

    private final TaskRunner runner;
    private final QuoSyncHandler handler;

    QuoSyncListener(TaskRunner runner, QuoSyncHandler handler) {
        this.runner = runner;
        this.handler = handler;
    }

    @KafkaListener(
            id = "quo-sync-worker",
            topics = "task.requested.sync_quo",
            concurrency = "${tasklane.quo.consumers:3}",
            batch = "true")
    void onRequests(List<ConsumerRecord<String, TaskEvent>> records) {
        runner.run(records, handler);
    }
}
