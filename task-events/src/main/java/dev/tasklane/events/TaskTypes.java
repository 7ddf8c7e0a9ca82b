package dev.tasklane.events;

import java.util.List;
import java.util.Optional;

/**
 * The one place a task type is registered. Everything else derives from {@link #ALL}: the topics every service
 * declares, the task types the gateway and the ledger know, which types a person may retry, the labels of the ledger's
 * messages and of the browser (served by the gateway as {@code GET /task-types}), and the listener a worker starts for
 * the handler of each type. Adding a type is adding its {@link TaskType} here (docs/adding-a-task-type.md).
 */
public final class TaskTypes {

    /** Drive times between drivers' homes and clients, from Google Maps Distance Matrix. */
    public static final String CALCULATE_DRIVE_TIMES = "calculate_drive_times";

    /** Create or update a client's contact in Quo (formerly OpenPhone). */
    public static final String SYNC_QUO = "sync_quo";

    /** Text an appointment's client its confirmation (or cancellation) through Quo's messages API. */
    public static final String SEND_APPOINTMENT_TEXT = "send_appointment_text";

    /** Every task type Tasklane runs, in the order they are shown. */
    public static final List<TaskType> ALL = List.of(
            new TaskType(
                    CALCULATE_DRIVE_TIMES,
                    "Drive times",
                    "drive time computed",
                    "drive times computed",
                    true,
                    List.of(EntityTypes.CLIENT, EntityTypes.DRIVER)),
            new TaskType(
                    SYNC_QUO,
                    "Quo contact sync",
                    "contact synced to Quo",
                    "contacts synced to Quo",
                    true,
                    List.of(EntityTypes.CLIENT, EntityTypes.APPOINTMENT)),
            new TaskType(
                    SEND_APPOINTMENT_TEXT,
                    "Appointment text",
                    "appointment text sent",
                    "appointment texts sent",
                    true,
                    List.of(EntityTypes.APPOINTMENT)));

    private TaskTypes() {}

    /** The names of {@link #ALL}. */
    public static List<String> names() {
        return ALL.stream().map(TaskType::name).toList();
    }

    /** The names of the types a person may retry. */
    public static List<String> retryable() {
        return ALL.stream().filter(TaskType::retryable).map(TaskType::name).toList();
    }

    /** The registered type named {@code name}, if there is one. */
    public static Optional<TaskType> find(String name) {
        return ALL.stream().filter(type -> type.name().equals(name)).findFirst();
    }

    /** The registered type named {@code name}; a name that is not registered is a programming error. */
    public static TaskType of(String name) {
        return find(name)
                .orElseThrow(() -> new IllegalArgumentException("'" + name + "' is not a registered task type ("
                        + String.join(", ", names()) + "): register it in TaskTypes.ALL (task-events), see "
                        + "docs/adding-a-task-type.md"));
    }

    /** Whether {@code value} can name a task type: lower-case letters, digits and underscores, from a letter. */
    public static boolean isValid(String value) {
        return Fields.isTaskType(value);
    }
}
