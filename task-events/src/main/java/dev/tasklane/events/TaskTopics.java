package dev.tasklane.events;

import java.util.regex.Pattern;

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
     * Every request topic and nothing else: the retry ({@code -retry…}) and dead-letter ({@code -dlt}) topics of
     * Spring Kafka's conventions contain a '-', which the pattern does not accept.
     */
    public static final Pattern REQUESTED_PATTERN = Pattern.compile("task\\.requested\\.[a-z][a-z0-9_]*");

    /** Spring Kafka's default suffix of a dead-letter topic ({@code DeadLetterPublishingRecoverer}). */
    public static final String DEAD_LETTER_SUFFIX = "-dlt";

    public static final int DEFAULT_PARTITIONS = 6;

    private TaskTopics() {
    }

    /** The topic that carries requests of {@code taskType}. */
    public static String requested(String taskType) {
        Fields.requireTaskType(taskType, "Topic name");
        return REQUESTED_PREFIX + taskType;
    }

    /** Where a consumer of {@code topic} sends records it cannot process. */
    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
