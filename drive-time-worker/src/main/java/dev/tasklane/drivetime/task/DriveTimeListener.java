package dev.tasklane.drivetime.task;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.worker.TaskRunner;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Consumes {@code task.requested.calculate_drive_times}; instances share the work in one consumer group. */
@Component
class DriveTimeListener {

    private final TaskRunner runner;
    private final DriveTimeHandler handler;

    DriveTimeListener(TaskRunner runner, DriveTimeHandler handler) {
        this.runner = runner;
        this.handler = handler;
    }

    @KafkaListener(id = "drive-time-worker", topics = "task.requested.calculate_drive_times",
            concurrency = "${tasklane.drive-times.consumers:2}")
    void onRequest(TaskEvent event) {
        runner.run(event, handler);
    }
}
