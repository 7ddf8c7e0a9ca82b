package dev.tasklane.events;

import java.util.List;

/** The task types Tasklane knows today; each has its own {@code task.requested.<task_type>} topic and worker. */
public final class TaskTypes {

    /** Drive times between drivers' homes and clients, from Google Maps Distance Matrix. */
    public static final String CALCULATE_DRIVE_TIMES = "calculate_drive_times";

    /** Create or update a client's contact in Quo (formerly OpenPhone). */
    public static final String SYNC_QUO = "sync_quo";

    /**
     * Text an appointment's client its confirmation (or cancellation) through Quo's messages API. Not in {@link #ALL}
     * yet: the task type's registration (its topics in the gateway and the ledger, its listener) comes with the task
     * type registry.
     */
    public static final String SEND_APPOINTMENT_TEXT = "send_appointment_text";

    public static final List<String> ALL = List.of(CALCULATE_DRIVE_TIMES, SYNC_QUO);

    private TaskTypes() {}

    /** Whether {@code value} can name a task type: lower-case letters, digits and underscores, from a letter. */
    public static boolean isValid(String value) {
        return Fields.isTaskType(value);
    }
}
