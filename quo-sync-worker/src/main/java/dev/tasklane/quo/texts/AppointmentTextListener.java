package dev.tasklane.quo.texts;

import java.util.List;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.worker.TaskRunner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Hands each poll of {@code send_appointment_text} requests to the handler, in a consumer group of its own. For now:
 * the task type registry (branch wt-registry) replaces this listener with its own container per handler.
 */
@Component
class AppointmentTextListener {

    private final TaskRunner runner;
    private final AppointmentTextHandler handler;

    AppointmentTextListener(TaskRunner runner, AppointmentTextHandler handler) {
        this.runner = runner;
        this.handler = handler;
    }

    @KafkaListener(
            id = "quo-sync-worker-texts",
            topics = "task.requested.send_appointment_text",
            concurrency = "${tasklane.quo.texts.consumers:1}",
            batch = "true")
    void onRequests(List<ConsumerRecord<String, TaskEvent>> records) {
        runner.run(records, handler);
    }
}
