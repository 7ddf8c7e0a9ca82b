package dev.tasklane.ledger.projection;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.tasklane.events.TaskEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * One poll's records into the projection, with the rule for what cannot be projected. A record that breaks the
 * contract, or whose data the database refuses (class 22 or 23 errors), stops the batch at its index: the records
 * before it are committed first, then it is reported as a {@link BatchListenerFailedException} for the dead-letter
 * topic. Any other failure (connection lost, database restarting) is thrown as is, and the batch is retried whole.
 */
@Component
public class ProjectionBatch {

    private final TaskProjector projector;

    ProjectionBatch(TaskProjector projector) {
        this.projector = projector;
    }

    public void project(List<ConsumerRecord<String, TaskEvent>> records) {
        List<TaskEvent> events = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            try {
                events.add(EventContract.check(records.get(i)));
            } catch (ContractViolationException violation) {
                projectOrIsolate(events);
                throw new BatchListenerFailedException(violation.getMessage(), violation, i);
            }
        }
        projectOrIsolate(events);
    }

    private void projectOrIsolate(List<TaskEvent> events) {
        try {
            projector.project(events);
        } catch (RuntimeException failure) {
            if (!isPoison(failure)) {
                throw failure;
            }
            for (int i = 0; i < events.size(); i++) {
                try {
                    projector.project(List.of(events.get(i)));
                } catch (RuntimeException single) {
                    if (!isPoison(single)) {
                        throw single;
                    }
                    String reason = single instanceof ContractViolationException
                            ? single.getMessage()
                            : "PostgreSQL refused task " + events.get(i).taskId() + ": " + sqlMessage(single);
                    throw new BatchListenerFailedException(reason, new ContractViolationException(reason, single), i);
                }
            }
        }
    }

    /** Whether retrying cannot help: the event itself is at fault. */
    static boolean isPoison(Throwable failure) {
        if (failure instanceof ContractViolationException) {
            return true;
        }
        SQLException sql = sqlException(failure);
        String state = sql == null ? null : sql.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    private static SQLException sqlException(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    private static String sqlMessage(Throwable failure) {
        SQLException sql = sqlException(failure);
        return sql == null ? failure.getMessage() : sql.getMessage();
    }
}
