package dev.tasklane.worker;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What every worker may set ({@code tasklane.worker.*}); the defaults of the environment variables are in task-worker's
 * {@code tasklane-worker-defaults.yml}.
 *
 * @param waitDeadline  how long after its request a task held for an outage is announced as failed
 *                      ({@code WAIT_DEADLINE}) while still held (TASKLANE_WAIT_DEADLINE)
 * @param recoveryPause how long a record held for an outage ({@link WaitForRecovery}) pauses before it is tried again
 * @param instanceId    the static group membership id of this instance ({@code tasklane.kafka.instance-id},
 *                      TASKLANE_INSTANCE_ID); empty for dynamic membership
 * @param taskTypes     the listener of each task type this worker handles, by task type (in YAML the key needs
 *                      brackets to keep its underscores: {@code '[sync_quo]'})
 */
@ConfigurationProperties("tasklane.worker")
public record WorkerProperties(
        @DefaultValue("30m") Duration waitDeadline,
        @DefaultValue("5s") Duration recoveryPause,
        @DefaultValue("") String instanceId,
        Map<String, Listener> taskTypes) {

    public WorkerProperties {
        instanceId = instanceId == null ? "" : instanceId.strip();
        taskTypes = taskTypes == null ? Map.of() : Map.copyOf(taskTypes);
    }

    /**
     * The listener of one task type.
     *
     * @param group     its consumer group; by default {@code <spring.application.name>.<task_type>}. A worker that ran
     *                  a type before sets the group it used, so the type keeps its committed offsets
     * @param consumers its listener threads in this instance (at most the topic's partitions do work)
     */
    public record Listener(String group, @DefaultValue("1") int consumers) {}

    /** The settings of {@code taskType}'s listener; its default group is named after {@code application}. */
    Listener listener(String taskType, String application) {
        Listener listener = taskTypes.getOrDefault(taskType, new Listener(null, 1));
        String group = listener.group() == null || listener.group().isBlank()
                ? application + "." + taskType
                : listener.group().strip();
        if (listener.consumers() < 1) {
            throw new IllegalStateException("tasklane.worker.task-types[" + taskType + "].consumers must be 1 or more, "
                    + "was " + listener.consumers() + ": it is how many threads of this instance consume " + taskType
                    + " requests");
        }
        return new Listener(group, listener.consumers());
    }
}
