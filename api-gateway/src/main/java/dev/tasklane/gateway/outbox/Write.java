package dev.tasklane.gateway.outbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskRequested;

/**
 * What one request writes, built up in Java before anything is sent: the record changes as parts of one statement,
 * the tasks to queue with them, and the answer. {@link Outbox#commit} sends it all as one statement, so the record and
 * its outbox rows are written, and committed, together or not at all.
 *
 * <p>A part is a data-modifying statement that becomes a {@code WITH} query of its own; it must read {@code FROM go}
 * (or test {@code EXISTS (SELECT FROM go)}), the one-row relation that says the request is to be done: with an
 * {@code Idempotency-Key}, {@code go} is the insertion of the key, empty when the key was used before. Every
 * parameter is cast in the SQL ({@code ?::uuid}, {@code ?::text}), because a part selects its values rather than
 * listing them in {@code VALUES}.
 */
public final class Write {

    record Part(String name, String sql, List<Object> args) {}

    private final List<Part> parts = new ArrayList<>();
    private final List<TaskRequested> tasks = new ArrayList<>();
    private Object answer = Map.of();

    /** Adds a part named {@code name} ({@code WITH name AS (sql)}). */
    public Write part(String name, String sql, Object... args) {
        parts.add(new Part(name, sql, Arrays.asList(args)));
        return this;
    }

    /**
     * Queues the first attempt of {@code task} with the record, asked for by the person called {@code requestedByName}
     * (the caller's name as their token has it, {@code null} when unknown, so every view can name them); returns the
     * task id.
     */
    public UUID queue(TaskRef task, Map<String, Object> payload, String requestedByName) {
        tasks.add(TaskRequested.of(task, payload, requestedByName));
        return task.taskId();
    }

    /**
     * The answer the request gives once the write is committed (and, with a key, the one a retry replays): a record
     * of the endpoint's, so the API document shows it.
     */
    public Write answer(Object answer) {
        this.answer = answer;
        return this;
    }

    public Object answer() {
        return answer;
    }

    List<Part> parts() {
        return parts;
    }

    List<TaskRequested> tasks() {
        return tasks;
    }
}
