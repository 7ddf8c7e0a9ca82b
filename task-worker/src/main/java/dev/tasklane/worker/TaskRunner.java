package dev.tasklane.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Runs the task requests of one poll through their handler: lets the handler do the work of all of them
 * ({@link TaskHandler#handleAll}), sending {@code TaskStarted} as each begins, sends {@code TaskCompleted} or
 * {@code TaskFailed} for each, and waits once, before the poll's offsets are committed, until Kafka has acknowledged
 * every event. A crash before
 * that redoes the poll; nothing is lost.
 *
 * <p>The records of a poll run up to the first that cannot run now (an open circuit, the database down) or cannot be
 * read at all. Everything before it is published and committed; then the listener container takes over, through
 * {@link BatchListenerFailedException}: a record that is not a request of this worker's type goes to the dead-letter
 * topic alone, a postponed one is tried again after a pause, and the records after it are delivered again.
 */
public class TaskRunner {

    private static final Log LOG = LogFactory.getLog(TaskRunner.class);
    private static final LogAccessor DESERIALIZATION_LOG = new LogAccessor(TaskRunner.class);
    private static final long ACKNOWLEDGEMENT_TIMEOUT_SECONDS = 30;

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

    /** Runs the records of one poll, in order; see the class description for what happens to each. */
    public void run(List<ConsumerRecord<String, TaskEvent>> records, TaskHandler handler) {
        long started = System.nanoTime();
        List<TaskRequested> requests = new ArrayList<>(records.size());
        RuntimeException unreadable = null;
        for (ConsumerRecord<String, TaskEvent> record : records) {
            unreadable = unreadable(record, handler);
            if (unreadable != null) {
                break;
            }
            requests.add((TaskRequested) record.value());
        }

        List<CompletableFuture<?>> sends = new ArrayList<>(2 * requests.size());
        List<TaskOutcome> outcomes = requests.isEmpty() ? List.of()
                : handleAll(handler, requests, request -> sends.add(send(TaskStarted.of(request.task(), worker))));
        TaskOutcome.Postponed postponed = null;
        int ended = 0;
        for (; ended < Math.min(outcomes.size(), requests.size()) && postponed == null; ended++) {
            TaskRequested request = requests.get(ended);
            TaskOutcome outcome = outcomes.get(ended);
            if (outcome instanceof TaskOutcome.Completed completed) {
                sends.add(send(TaskCompleted.of(request.task(), worker, completed.result())));
            }
            else if (outcome instanceof TaskOutcome.Failed failed) {
                LOG.info("Task " + request.taskId() + " (" + request.taskType() + ", attempt " + request.attempt()
                        + ") failed: " + failed.failure().getMessage());
                sends.add(send(TaskFailed.of(request.task(), worker, failed.failure().error())));
            }
            else if (outcome instanceof TaskOutcome.Postponed later) {
                postponed = later;
            }
            else {
                postponed = new TaskOutcome.Postponed(new IllegalStateException("The " + handler.taskType()
                        + " handler gave no outcome for task " + request.taskId() + "; it runs again"));
            }
        }
        int handled = postponed == null ? ended : ended - 1;
        if (postponed == null && handled < requests.size()) {
            postponed = new TaskOutcome.Postponed(new IllegalStateException("The " + handler.taskType() + " handler "
                    + "said nothing of " + (requests.size() - handled) + " of the " + requests.size() + " requests it "
                    + "was given; they run again"));
        }
        awaitAcknowledgements(sends, records);
        record(handler, outcomes.subList(0, handled), System.nanoTime() - started);

        if (postponed != null) {
            throw new BatchListenerFailedException("Task " + requests.get(handled).taskId() + " ("
                    + handler.taskType() + ") runs again later: " + postponed.cause().getMessage(), postponed.cause(),
                    handled);
        }
        if (unreadable != null) {
            throw new BatchListenerFailedException(unreadable.getMessage(), unreadable, handled);
        }
    }

    private static List<TaskOutcome> handleAll(TaskHandler handler, List<TaskRequested> requests,
            Consumer<TaskRequested> started) {
        try {
            return handler.handleAll(requests, started);
        }
        catch (RuntimeException unexpected) {
            return List.of(new TaskOutcome.Postponed(unexpected));
        }
    }

    /** Why {@code record} is not a request this handler runs, or null when it is one. */
    private static RuntimeException unreadable(ConsumerRecord<String, TaskEvent> record, TaskHandler handler) {
        TaskEvent event = record.value();
        if (event == null) {
            DeserializationException cause = SerializationUtils.getExceptionFromHeader(record,
                    SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, DESERIALIZATION_LOG);
            return cause != null ? cause : new UnexpectedEventException("The record at offset " + record.offset()
                    + " of " + record.topic() + " has no task event");
        }
        if (!(event instanceof TaskRequested request) || !request.taskType().equals(handler.taskType())) {
            return new UnexpectedEventException("A " + event.eventType() + " of task type " + event.taskType()
                    + " reached the " + handler.taskType() + " worker; only TaskRequested of its own type belongs here");
        }
        return null;
    }

    private CompletableFuture<?> send(TaskEvent event) {
        return kafka.send(TaskTopics.STATUS, event.taskId().toString(), event);
    }

    /**
     * Waits until Kafka has acknowledged every event of the poll. If it has not, the whole poll runs again: its
     * handlers are idempotent, and events already published are only published twice, which the ledger folds.
     */
    private void awaitAcknowledgements(List<CompletableFuture<?>> sends, List<ConsumerRecord<String, TaskEvent>> records) {
        if (sends.isEmpty()) {
            return;
        }
        kafka.flush();
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(ACKNOWLEDGEMENT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatchListenerFailedException("Interrupted while publishing task events", e, 0);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new BatchListenerFailedException("Kafka did not acknowledge the task events of " + records.size()
                    + " requests; they run again", e, 0);
        }
    }

    /** The time of a poll, shared out among the tasks it ended, by outcome. */
    private void record(TaskHandler handler, List<TaskOutcome> outcomes, long nanos) {
        if (outcomes.isEmpty()) {
            return;
        }
        long each = nanos / outcomes.size();
        for (TaskOutcome outcome : outcomes) {
            Timer.builder("tasklane.worker.tasks").description("How long tasks took, by outcome (a poll's time shared "
                            + "out among its tasks)").tag("task_type", handler.taskType())
                    .tag("outcome", outcome instanceof TaskOutcome.Completed ? "completed" : "failed")
                    .register(meters).record(each, TimeUnit.NANOSECONDS);
        }
    }

    /** A record on a request topic that is not a request this worker runs: dead-lettered, never retried. */
    public static class UnexpectedEventException extends RuntimeException {
        public UnexpectedEventException(String message) {
            super(message);
        }
    }
}
