package dev.tasklane.ledger.command;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.tasklane.auth.Caller;
import dev.tasklane.events.TaskDismissed;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskStatus;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.http.ApiException;
import dev.tasklane.ledger.projection.TaskProjector;
import dev.tasklane.ledger.projection.TaskState;
import dev.tasklane.ledger.system.CallerTransactions;
import dev.tasklane.ledger.system.LedgerProperties;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;

/**
 * Dismiss and retry. Each is an event first: the task is locked as the caller (row-level security decides whether
 * they may touch it), the event is published and acknowledged by Kafka, then projected into the row, all before the
 * transaction commits. Kafka unreachable: 503 and nothing changed. Database failing after Kafka acknowledged: the
 * projection applies the event from the topic a moment later.
 */
@Component
class TaskCommands {

    private final CallerTransactions callers;
    private final TaskLocks locks;
    private final TaskProjector projector;
    private final KafkaTemplate<String, TaskEvent> kafka;
    private final LedgerProperties properties;

    TaskCommands(
            CallerTransactions callers,
            TaskLocks locks,
            TaskProjector projector,
            KafkaTemplate<String, TaskEvent> kafka,
            LedgerProperties properties) {
        this.callers = callers;
        this.locks = locks;
        this.projector = projector;
        this.kafka = kafka;
        this.properties = properties;
    }

    record Dismissal(UUID taskId, boolean dismissedNow) {}

    record Retry(UUID taskId, String taskType, int attempt) {}

    Dismissal dismiss(Caller caller, UUID taskId) {
        return callers.asCaller(caller, () -> {
            TaskState task = locks.lockVisible(taskId);
            if (task.status() != TaskStatus.FAILED) {
                throw ApiException.conflict(
                        "Task " + taskId + " is " + task.status().value() + ": only a failed task can be dismissed.");
            }
            if (task.dismissedAt() != null) {
                return new Dismissal(taskId, false);
            }
            publishAndProject(List.of(TaskDismissed.of(task.ref(), caller.userId())));
            return new Dismissal(taskId, true);
        });
    }

    /** Dismisses every undismissed failure of the caller's own; returns how many. */
    int dismissAll(Caller caller) {
        return callers.asCaller(caller, () -> {
            List<TaskEvent> dismissals = new ArrayList<>();
            for (TaskState task : locks.lockOwnUndismissedFailures(caller.userId())) {
                dismissals.add(TaskDismissed.of(task.ref(), caller.userId()));
            }
            publishAndProject(dismissals);
            return dismissals.size();
        });
    }

    Retry retry(Caller caller, UUID taskId) {
        return callers.asCaller(caller, () -> {
            TaskState task = locks.lockVisible(taskId);
            if (task.status() != TaskStatus.FAILED) {
                throw ApiException.conflict(
                        "Task " + taskId + " is " + task.status().value() + " (attempt " + task.attempt()
                                + "): only a failed task can be retried.");
            }
            if (!properties.retryableTaskTypes().contains(task.taskType())) {
                throw ApiException.conflict("No worker handles task type " + task.taskType()
                        + ", so a retry would wait forever; it can only be dismissed.");
            }
            TaskRequested request = TaskRequested.of(task.ref().nextAttempt(), task.payload(), task.createdByName());
            publishAndProject(List.of(request));
            return new Retry(taskId, task.taskType(), request.attempt());
        });
    }

    /** What an incident-wide command did: how many tasks it touched, and how many it had to leave alone. */
    record IncidentCommand(UUID incidentId, int done, int skipped) {}

    /** Dismisses every failure of the incident still in an inbox that the caller may see. */
    IncidentCommand dismissIncident(Caller caller, UUID incidentId) {
        return callers.asCaller(caller, () -> {
            List<TaskEvent> dismissals = new ArrayList<>();
            for (TaskState task : locks.lockIncidentFailures(incidentId)) {
                dismissals.add(TaskDismissed.of(task.ref(), caller.userId()));
            }
            publishAndProject(dismissals);
            return new IncidentCommand(incidentId, dismissals.size(), 0);
        });
    }

    /**
     * Retries every failure of the incident still in an inbox that the caller may see; failures of a task type no
     * worker handles are left (they can only be dismissed).
     */
    IncidentCommand retryIncident(Caller caller, UUID incidentId) {
        return callers.asCaller(caller, () -> {
            List<TaskEvent> requests = new ArrayList<>();
            int skipped = 0;
            for (TaskState task : locks.lockIncidentFailures(incidentId)) {
                if (properties.retryableTaskTypes().contains(task.taskType())) {
                    requests.add(TaskRequested.of(task.ref().nextAttempt(), task.payload(), task.createdByName()));
                } else {
                    skipped++;
                }
            }
            publishAndProject(requests);
            return new IncidentCommand(incidentId, requests.size(), skipped);
        });
    }

    private void publishAndProject(List<TaskEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        try {
            List<CompletableFuture<SendResult<String, TaskEvent>>> sends = new ArrayList<>();
            for (TaskEvent event : events) {
                String topic =
                        event instanceof TaskRequested ? TaskTopics.requested(event.taskType()) : TaskTopics.STATUS;
                sends.add(kafka.send(topic, event.taskId().toString(), event));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(properties.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (KafkaException e) {
            throw kafkaUnavailable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw kafkaUnavailable(e);
        } catch (ExecutionException | TimeoutException e) {
            throw kafkaUnavailable(e);
        }
        callers.asService();
        projector.project(events);
    }

    private static ApiException kafkaUnavailable(Exception cause) {
        return new ApiException(
                HttpStatus.SERVICE_UNAVAILABLE,
                "kafka_unavailable",
                "The task log (Kafka) did not acknowledge the change, so nothing was changed. Try again in a minute.");
    }
}
