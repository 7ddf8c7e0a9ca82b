package dev.tasklane.events;

/** Kafka record headers every task event carries, so a consumer can route or filter without parsing the value. */
public final class TaskEventHeaders {

    public static final String EVENT_TYPE = "event_type";
    public static final String TASK_TYPE = "task_type";

    private TaskEventHeaders() {}
}
