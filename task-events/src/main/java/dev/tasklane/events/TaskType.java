package dev.tasklane.events;

import java.util.List;

/**
 * One kind of background task, registered once in {@link TaskTypes}: its name on the wire and in topic names, and the
 * business words every service and the browser show for it.
 *
 * @param name        lower snake case, as in {@code task_type} and in its topic {@code task.requested.<name>}
 * @param label       what a task of this type does, as a noun a person reads: "Drive times"
 * @param doneOne     what one finished task achieved: "drive time computed" (in "1 drive time computed")
 * @param doneMany    what several achieved: "drive times computed" (in "12 drive times computed")
 * @param retryable   whether a person may retry a failed task of this type (the ledger's default; settings may narrow it)
 * @param entityTypes the kinds of record ({@link EntityTypes}) a task of this type is about
 */
public record TaskType(
        String name, String label, String doneOne, String doneMany, boolean retryable, List<String> entityTypes) {

    public TaskType {
        Fields.requireTaskType(name, "Task type registration");
        Fields.requireText(label, "label", "Task type " + name);
        Fields.requireText(doneOne, "done_one", "Task type " + name);
        Fields.requireText(doneMany, "done_many", "Task type " + name);
        Fields.require(entityTypes, "entity_types", "Task type " + name);
        if (entityTypes.isEmpty()) {
            throw new IllegalArgumentException("Task type " + name + " must name the entity types it is for");
        }
        entityTypes = List.copyOf(entityTypes);
    }

    /** The topic that carries requests of this type: {@code task.requested.<name>}. */
    public String topic() {
        return TaskTopics.requested(name);
    }

    /** "1 drive time computed", "12 drive times computed". */
    public String done(long count) {
        return count + " " + (count == 1 ? doneOne : doneMany);
    }

    /** Whether a task of this type can be about a record of {@code entityType}. */
    public boolean isFor(String entityType) {
        return entityTypes.contains(entityType);
    }
}
