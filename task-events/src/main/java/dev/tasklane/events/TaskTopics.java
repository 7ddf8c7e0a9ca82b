package dev.tasklane.events;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Topic names. Requests go to one topic per task type, so each worker consumes only its own work; every status change
 * of every worker goes to {@link #STATUS}. The key of every record is the task id, so one task's events keep their
 * order on a partition.
 */
public final class TaskTopics {

    public static final String REQUESTED_PREFIX = "task.requested.";

    /** {@code TaskStarted}, {@code TaskCompleted} and {@code TaskFailed} of every worker. */
    public static final String STATUS = "task.status";

    /**
     * The regular expression of every request topic and nothing else: the retry ({@code -retry…}) and dead-letter ({@code -dlt}) topics of
     * Spring Kafka's conventions contain a '-', which the pattern does not accept.
     */
    public static final String REQUESTED_REGEX = "task\\.requested\\.[a-z][a-z0-9_]*";

    /** {@link #REQUESTED_REGEX} compiled. */
    public static final Pattern REQUESTED_PATTERN = Pattern.compile(REQUESTED_REGEX);

    /** Spring Kafka's default suffix of a dead-letter topic ({@code DeadLetterPublishingRecoverer}). */
    public static final String DEAD_LETTER_SUFFIX = "-dlt";

    public static final int DEFAULT_PARTITIONS = 6;

    private TaskTopics() {}

    /** The topic that carries requests of {@code taskType}. */
    public static String requested(String taskType) {
        Fields.requireTaskType(taskType, "Topic name");
        return REQUESTED_PREFIX + taskType;
    }

    /** Where a consumer of {@code topic} sends records it cannot process. */
    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }

    /**
     * The topics of {@code taskTypes} and {@link #STATUS}, each with its dead-letter topic, for a service to declare at
     * start-up (creating a topic that exists changes nothing). Each has {@code replicationFactor} copies and refuses an
     * {@code acks=all} write that fewer than {@code minInsyncReplicas} of them hold (3 and 2 on a cluster: one broker
     * may die without a write refused or lost; 1 and 1 on one broker). Request and status topics keep their records
     * forever: the ledger is rebuilt by replaying them.
     */
    public static List<NewTopic> declarations(
            Collection<String> taskTypes, int partitions, short replicationFactor, int minInsyncReplicas) {
        if (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("tasklane.topics.min-insync-replicas must be from 1 to the replication "
                    + "factor (" + replicationFactor + "), was " + minInsyncReplicas);
        }
        List<String> topics = new ArrayList<>();
        taskTypes.forEach(taskType -> topics.add(requested(taskType)));
        topics.add(STATUS);
        String minInsync = String.valueOf(minInsyncReplicas);
        List<NewTopic> declarations = new ArrayList<>();
        for (String topic : topics) {
            declarations.add(new NewTopic(topic, partitions, replicationFactor)
                    .configs(Map.of(
                            TopicConfig.RETENTION_MS_CONFIG,
                            "-1",
                            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                            minInsync)));
            declarations.add(new NewTopic(deadLetter(topic), partitions, replicationFactor)
                    .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInsync)));
        }
        return declarations;
    }
}
