package dev.tasklane.drivetime.task;

import java.util.List;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.worker.TaskRunner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Consumes {@code task.requested.calculate_drive_times} a poll at a time; instances share the work in one consumer group. */
@Component
class DriveTimeListener {

    private final TaskRunner runner;
    private final DriveTimeHandler handler;

    DriveTimeListener(TaskRunner runner, DriveTimeHandler handler) {
        this.runner = runner;
        this.handler = handler;
    }

    @KafkaListener(
            id = "drive-time-worker",
            topics = "task.requested.calculate_drive_times",
            concurrency = "${tasklane.drive-times.consumers:2}",
            batch = "true")
    void onRequests(List<ConsumerRecord<String, TaskEvent>> records) {
        runner.run(records, handler);
    }
}
