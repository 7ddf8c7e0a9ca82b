package dev.tasklane.worker;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskStarted;
import dev.tasklane.events.TaskTopics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Runs one task request through its handler: publishes {@code TaskStarted}, does the work, publishes
 * {@code TaskCompleted} with the handler's summary or {@code TaskFailed} with its {@link TaskFailure}, each waited for
 * until Kafka acknowledges it. Anything else the handler throws (an open circuit, the database down) goes back to the
 * listener container, which delivers the record again later: the task is neither completed nor failed meanwhile.
 */
public class TaskRunner {

    private static final Log LOG = LogFactory.getLog(TaskRunner.class);

    private final KafkaTemplate<String, TaskEvent> kafka;
    private final String worker;
    private final MeterRegistry meters;

    public TaskRunner(KafkaTemplate<String, TaskEvent> kafka, String worker, MeterRegistry meters) {
        this.kafka = kafka;
        this.worker = worker;
        this.meters = meters;
    }

    public String worker() {
        return worker;
    }

    public void run(TaskEvent event, TaskHandler handler) {
        if (!(event instanceof TaskRequested request) || !request.taskType().equals(handler.taskType())) {
            throw new UnexpectedEventException("A " + event.eventType() + " of task type " + event.taskType()
                    + " reached the " + handler.taskType() + " worker; only TaskRequested of its own type belongs here");
        }
        Timer.Sample sample = Timer.start(meters);
        publish(TaskStarted.of(request.task(), worker));
        String outcome = "completed";
        try {
            Map<String, Object> result = handler.handle(request);
            publish(TaskCompleted.of(request.task(), worker, result));
        }
        catch (TaskFailure failure) {
            outcome = "failed";
            LOG.info("Task " + request.taskId() + " (" + request.taskType() + ", attempt " + request.attempt()
                    + ") failed: " + failure.getMessage());
            publish(TaskFailed.of(request.task(), worker, failure.error()));
        }
        catch (RuntimeException pending) {
            outcome = "postponed";
            throw pending;
        }
        finally {
            sample.stop(Timer.builder("tasklane.worker.tasks").description("How long tasks took, by outcome")
                    .tag("task_type", handler.taskType()).tag("outcome", outcome).register(meters));
        }
    }

    private void publish(TaskEvent event) {
        try {
            kafka.send(TaskTopics.STATUS, event.taskId().toString(), event).get(30, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing " + event.eventType(), e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge " + event.eventType() + " of task "
                    + event.taskId() + "; the request will be delivered again", e);
        }
    }

    /** A record on a request topic that is not a request this worker runs: dead-lettered, never retried. */
    public static class UnexpectedEventException extends RuntimeException {
        public UnexpectedEventException(String message) {
            super(message);
        }
    }
}
