package dev.tasklane.ledger.projection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import dev.tasklane.events.TaskEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes events into {@code background_tasks}: a whole batch in one transaction and four statements (archived ids,
 * lock existing rows, insert new ones, update changed ones), the state of each task folded in Java by
 * {@link TaskProjection}. Several ledger instances may project the same task at once (its request and its status
 * travel on different topics): rows are locked in id order, and a row another instance inserted first is folded
 * again from what it holds. Then {@link FailureInbox} derives, in the same transaction, what the batch changes in the
 * failure inbox: superseded failures, the failure history and the incidents.
 */
@Component
public class TaskProjector {

    /** PostgreSQL orders uuids by their bytes, as their text sorts; Java's UUID.compareTo does not. */
    private static final Comparator<UUID> IN_DATABASE_ORDER = Comparator.comparing(UUID::toString);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final TaskRows rows;
    private final FailureInbox inbox;
    private final Counter projected;
    private final Counter written;

    TaskProjector(
            JdbcTemplate jdbc,
            TransactionTemplate transactions,
            TaskRows rows,
            FailureInbox inbox,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.rows = rows;
        this.inbox = inbox;
        this.projected = Counter.builder("tasklane.ledger.events.projected")
                .description("Task events applied to background_tasks, duplicates and late ones included")
                .register(meters);
        this.written = Counter.builder("tasklane.ledger.rows.written")
                .description("Rows of background_tasks inserted or changed by the projection")
                .register(meters);
    }

    /** Applies {@code events}, in order, in one transaction of its own (or the caller's). Returns the rows written. */
    public int project(List<TaskEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        Integer written = transactions.execute(status -> projectInTransaction(events));
        return written == null ? 0 : written;
    }

    private int projectInTransaction(List<TaskEvent> events) {
        // what the projection writes is already in the log: the SQL API's announcement trigger leaves it alone; its
        // rows skip the per-row triggers, and each of its statements notifies the realtime stream once (0011)
        jdbc.queryForObject("SELECT set_config('tasklane.writer', 'projection', true)", String.class);
        Set<UUID> ids = new TreeSet<>(IN_DATABASE_ORDER);
        events.forEach(event -> ids.add(event.taskId()));
        Set<UUID> archived = new HashSet<>(jdbc.queryForList(
                "SELECT id FROM background_tasks_archive WHERE id = ANY(?::uuid[])", UUID.class, (Object)
                        TaskRows.ids(ids)));
        ids.removeAll(archived);
        List<TaskEvent> live = events.stream()
                .filter(event -> !archived.contains(event.taskId()))
                .toList();

        Map<UUID, TaskState> before = lock(ids);
        Map<UUID, TaskState> after = fold(before, live);

        List<TaskState> inserts = new ArrayList<>();
        List<TaskState> updates = new ArrayList<>();
        after.forEach((id, state) -> {
            if (!before.containsKey(id)) {
                inserts.add(state);
            } else if (!state.equals(before.get(id))) {
                updates.add(state);
            }
        });

        Set<UUID> inserted = insert(inserts);
        Set<UUID> insertedElsewhere = new TreeSet<>(IN_DATABASE_ORDER);
        inserts.forEach(state -> {
            if (!inserted.contains(state.id())) {
                insertedElsewhere.add(state.id());
            }
        });
        List<TaskState> previous = new ArrayList<>(before.values());
        if (!insertedElsewhere.isEmpty()) {
            Map<UUID, TaskState> theirs = lock(insertedElsewhere);
            previous.addAll(theirs.values());
            List<TaskEvent> ours = live.stream()
                    .filter(event -> insertedElsewhere.contains(event.taskId()))
                    .toList();
            fold(theirs, ours).forEach((id, state) -> {
                if (!state.equals(theirs.get(id))) {
                    updates.add(state);
                }
            });
        }
        update(updates);
        List<TaskState> changed = new ArrayList<>(inserts.size() + updates.size());
        inserts.stream().filter(state -> inserted.contains(state.id())).forEach(changed::add);
        changed.addAll(updates);
        inbox.after(events, previous, changed);

        int rowsWritten = inserted.size() + updates.size();
        projected.increment(events.size());
        written.increment(rowsWritten);
        return rowsWritten;
    }

    private static Map<UUID, TaskState> fold(Map<UUID, TaskState> start, List<TaskEvent> events) {
        Map<UUID, TaskState> states = new LinkedHashMap<>(start);
        for (TaskEvent event : events) {
            TaskState current = states.get(event.taskId());
            if (current != null && !current.taskType().equals(event.taskType())) {
                throw new ContractViolationException("Task " + event.taskId() + " is a " + current.taskType()
                        + " task, but a " + event.eventType() + " event says it is " + event.taskType());
            }
            TaskState next = TaskProjection.apply(current, event);
            if (next != null) {
                states.put(event.taskId(), next);
            }
        }
        return states;
    }

    private Map<UUID, TaskState> lock(Set<UUID> ids) {
        Map<UUID, TaskState> states = new TreeMap<>(IN_DATABASE_ORDER);
        if (!ids.isEmpty()) {
            jdbc.query(
                    TaskRows.LOCK,
                    row -> {
                        TaskState state = rows.read(row);
                        states.put(state.id(), state);
                    },
                    (Object) TaskRows.ids(ids));
        }
        return states;
    }

    private Set<UUID> insert(List<TaskState> states) {
        if (states.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.queryForList(TaskRows.INSERT, UUID.class, rows.columns(sorted(states))));
    }

    private void update(List<TaskState> states) {
        if (!states.isEmpty()) {
            jdbc.update(TaskRows.UPDATE, rows.columns(sorted(states)));
        }
    }

    private static List<TaskState> sorted(List<TaskState> states) {
        List<TaskState> copy = new ArrayList<>(states);
        copy.sort(Comparator.comparing(TaskState::id, IN_DATABASE_ORDER));
        return copy;
    }
}
