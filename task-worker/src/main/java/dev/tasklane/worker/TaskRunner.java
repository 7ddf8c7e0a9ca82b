package dev.tasklane.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskError;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskStarted;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskWaiting;
import io.micrometer.core.instrument.Counter;
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
 *
 * <p>Nobody waits in silence: when the postponement is a {@link WaitForRecovery} (an open circuit, a used-up rate
 * limit), the postponed request and every request after it in the poll (they need the same API) are announced once as
 * {@code TaskWaiting}; once a request's wait deadline has passed, once more as a {@code TaskFailed} with code
 * {@link TaskError#WAIT_DEADLINE}, which tells a person what is down and what to do. Either way the request stays held
 * and runs, as the same attempt, when the API answers again: its {@code TaskCompleted} then replaces the failure.
 */
public class TaskRunner {

    private static final Log LOG = LogFactory.getLog(TaskRunner.class);
    private static final LogAccessor DESERIALIZATION_LOG = new LogAccessor(TaskRunner.class);
    private static final long ACKNOWLEDGEMENT_TIMEOUT_SECONDS = 30;
    /** How many held attempts this process remembers having announced; the oldest are forgotten first. */
    static final int ANNOUNCEMENTS_REMEMBERED = 10_000;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private final KafkaTemplate<String, TaskEvent> kafka;
    private final String worker;
    private final MeterRegistry meters;
    private final Duration waitDeadline;
    private final Clock clock;

    /** An attempt of a task. */
    private record Attempt(UUID taskId, int attempt) {
        static Attempt of(TaskRequested request) {
            return new Attempt(request.taskId(), request.attempt());
        }
    }

    /** What this process has told of a held attempt, so the retry loop does not repeat it every few seconds. */
    private enum Announced {
        WAITING,
        DEADLINE
    }

    private final Map<Attempt, Announced> announced =
            Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Attempt, Announced> eldest) {
                    return size() > ANNOUNCEMENTS_REMEMBERED;
                }
            });

    /**
     * @param waitDeadline how long after it was requested a held task is announced as failed ({@code WAIT_DEADLINE})
     */
    public TaskRunner(
            KafkaTemplate<String, TaskEvent> kafka, String worker, MeterRegistry meters, Duration waitDeadline) {
        this(kafka, worker, meters, waitDeadline, Clock.systemUTC());
    }

    TaskRunner(
            KafkaTemplate<String, TaskEvent> kafka,
            String worker,
            MeterRegistry meters,
            Duration waitDeadline,
            Clock clock) {
        if (waitDeadline.isNegative()) {
            throw new IllegalArgumentException("The wait deadline (tasklane.worker.wait-deadline, "
                    + "TASKLANE_WAIT_DEADLINE) must not be negative; it is " + waitDeadline);
        }
        this.kafka = kafka;
        this.worker = worker;
        this.meters = meters;
        this.waitDeadline = waitDeadline;
        this.clock = clock;
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
        List<TaskOutcome> outcomes = requests.isEmpty()
                ? List.of()
                : handleAll(handler, requests, request -> sends.add(send(TaskStarted.of(request.task(), worker))));
        TaskOutcome.Postponed postponed = null;
        int ended = 0;
        for (; ended < Math.min(outcomes.size(), requests.size()) && postponed == null; ended++) {
            TaskRequested request = requests.get(ended);
            TaskOutcome outcome = outcomes.get(ended);
            if (!(outcome instanceof TaskOutcome.Postponed)) {
                announced.remove(Attempt.of(request));
            }
            if (outcome instanceof TaskOutcome.Completed completed) {
                sends.add(send(TaskCompleted.of(request.task(), worker, completed.result())));
            } else if (outcome instanceof TaskOutcome.Failed failed) {
                LOG.info("Task " + request.taskId() + " (" + request.taskType() + ", attempt " + request.attempt()
                        + ") failed: " + failed.failure().getMessage());
                sends.add(send(
                        TaskFailed.of(request.task(), worker, failed.failure().error())));
            } else if (outcome instanceof TaskOutcome.Postponed later) {
                postponed = later;
            } else {
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
        Map<Attempt, Announced> announcements = postponed == null
                ? Map.of()
                : announceHeld(requests.subList(handled, requests.size()), postponed, sends);
        awaitAcknowledgements(sends, records);
        announced.putAll(announcements);
        record(handler, outcomes.subList(0, handled), System.nanoTime() - started);

        if (postponed != null) {
            throw new BatchListenerFailedException(
                    "Task " + requests.get(handled).taskId() + " (" + handler.taskType() + ") runs again later: "
                            + postponed.cause().getMessage(),
                    postponed.cause(),
                    handled);
        }
        if (unreadable != null) {
            throw new BatchListenerFailedException(unreadable.getMessage(), unreadable, handled);
        }
    }

    private static List<TaskOutcome> handleAll(
            TaskHandler handler, List<TaskRequested> requests, Consumer<TaskRequested> started) {
        try {
            return handler.handleAll(requests, started);
        } catch (RuntimeException unexpected) {
            return List.of(new TaskOutcome.Postponed(unexpected));
        }
    }

    /**
     * Announces the requests held for an outage (the postponed one first, then those after it in the poll, which need
     * the same API): {@code TaskWaiting} once, and once more a {@code TaskFailed} {@code WAIT_DEADLINE} when the
     * deadline has passed. Returns what it announced, remembered once Kafka has acknowledged it. Nothing for a
     * postponement that is not a {@link WaitForRecovery}: the database down is the operator's, not the person's.
     *
     * <p>The deadline counts from the request ({@code TaskRequested.occurred_at}), not from when this process first
     * held the task: that time is in the record, so every instance and every restart reaches the same verdict at the
     * same moment, and a task that keeps being held, rebalanced or restarted is still announced once its time is up,
     * never waiting silently for ever.
     */
    private Map<Attempt, Announced> announceHeld(
            List<TaskRequested> held, TaskOutcome.Postponed postponed, List<CompletableFuture<?>> sends) {
        WaitForRecovery waiting = WaitForRecovery.in(postponed.cause());
        if (waiting == null) {
            return Map.of();
        }
        Instant now = clock.instant();
        Map<Attempt, Announced> announcements = new LinkedHashMap<>();
        for (int i = 0; i < held.size(); i++) {
            TaskRequested request = held.get(i);
            Attempt attempt = Attempt.of(request);
            Announced already = announced.get(attempt);
            String reason = i == 0
                    ? waiting.getMessage()
                    : "Tasklane holds this task while " + waiting.service()
                            + " cannot be called (another task is waiting for it too); it runs by itself as soon as "
                            + waiting.service() + " can be called again.";
            if (!now.isBefore(request.occurredAt().plus(waitDeadline))) {
                if (already != Announced.DEADLINE) {
                    String message = "Still waiting after " + duration(Duration.between(request.occurredAt(), now))
                            + " (since " + time(request.occurredAt(), now) + " UTC, when it was requested): " + reason
                            + " If " + waiting.service() + " stays down, " + waiting.ifItStaysDown() + ".";
                    LOG.warn("Task " + request.taskId() + " (" + request.taskType() + ", attempt " + request.attempt()
                            + ") passed its wait deadline of " + waitDeadline + " waiting for " + waiting.source()
                            + "; announced as failed (" + TaskError.WAIT_DEADLINE + ") and still held");
                    sends.add(send(TaskFailed.of(
                            request.task(),
                            worker,
                            new TaskError(message, TaskError.WAIT_DEADLINE, waiting.source(), true))));
                    announcements.put(attempt, Announced.DEADLINE);
                }
            } else if (already == null) {
                LOG.info("Task " + request.taskId() + " (" + request.taskType() + ", attempt " + request.attempt()
                        + ") waits for " + waiting.source() + ": " + reason);
                sends.add(send(TaskWaiting.of(request.task(), worker, waiting.source(), reason)));
                Counter.builder("tasklane.worker.waiting")
                        .description("Tasks announced as waiting for an API that " + "is down or busy")
                        .tag("task_type", request.taskType())
                        .tag("waiting_for", waiting.source())
                        .register(meters)
                        .increment();
                announcements.put(attempt, Announced.WAITING);
            }
        }
        return announcements;
    }

    /** {@code 42 seconds}, {@code 30 minutes}, {@code 3 hours 5 minutes}: for a person. */
    static String duration(Duration waited) {
        long seconds = Math.max(0, waited.toSeconds());
        if (seconds < 120) {
            return seconds + (seconds == 1 ? " second" : " seconds");
        }
        long minutes = seconds / 60;
        if (minutes < 120) {
            return minutes + " minutes";
        }
        return minutes / 60 + " hours" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " minutes");
    }

    /** {@code 10:02}, with the date when it is not today's. */
    private static String time(Instant then, Instant now) {
        boolean today = LocalDate.ofInstant(then, ZoneOffset.UTC).equals(LocalDate.ofInstant(now, ZoneOffset.UTC));
        return (today ? TIME : DATE_TIME).format(then);
    }

    /** Why {@code record} is not a request this handler runs, or null when it is one. */
    private static RuntimeException unreadable(ConsumerRecord<String, TaskEvent> record, TaskHandler handler) {
        TaskEvent event = record.value();
        if (event == null) {
            DeserializationException cause = SerializationUtils.getExceptionFromHeader(
                    record, SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, DESERIALIZATION_LOG);
            return cause != null
                    ? cause
                    : new UnexpectedEventException(
                            "The record at offset " + record.offset() + " of " + record.topic() + " has no task event");
        }
        if (!(event instanceof TaskRequested request) || !request.taskType().equals(handler.taskType())) {
            return new UnexpectedEventException(
                    "A " + event.eventType() + " of task type " + event.taskType() + " reached the "
                            + handler.taskType() + " worker; only TaskRequested of its own type belongs here");
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
    private void awaitAcknowledgements(
            List<CompletableFuture<?>> sends, List<ConsumerRecord<String, TaskEvent>> records) {
        if (sends.isEmpty()) {
            return;
        }
        kafka.flush();
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(ACKNOWLEDGEMENT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatchListenerFailedException("Interrupted while publishing task events", e, 0);
        } catch (ExecutionException | TimeoutException e) {
            throw new BatchListenerFailedException(
                    "Kafka did not acknowledge the task events of " + records.size() + " requests; they run again",
                    e,
                    0);
        }
    }

    /** The time of a poll, shared out among the tasks it ended, by outcome. */
    private void record(TaskHandler handler, List<TaskOutcome> outcomes, long nanos) {
        if (outcomes.isEmpty()) {
            return;
        }
        long each = nanos / outcomes.size();
        for (TaskOutcome outcome : outcomes) {
            Timer.builder("tasklane.worker.tasks")
                    .description("How long tasks took, by outcome (a poll's time shared " + "out among its tasks)")
                    .tag("task_type", handler.taskType())
                    .tag("outcome", outcome instanceof TaskOutcome.Completed ? "completed" : "failed")
                    .register(meters)
                    .record(each, TimeUnit.NANOSECONDS);
        }
    }

    /** A record on a request topic that is not a request this worker runs: dead-lettered, never retried. */
    public static class UnexpectedEventException extends RuntimeException {
        public UnexpectedEventException(String message) {
            super(message);
        }
    }
}
