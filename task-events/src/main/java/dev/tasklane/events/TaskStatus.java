package dev.tasklane.events;

/**
 * The states of a background task, as stored in {@code background_tasks.status}, with the rank used by the ledger's
 * precedence rule: a task's state is ordered by {@code (attempt, rank)} and only moves forward.
 */
public enum TaskStatus {
    PENDING("pending", 0),
    RUNNING("running", 1),
    COMPLETED("completed", 2),
    FAILED("failed", 2);

    private final String value;
    private final int rank;

    TaskStatus(String value, int rank) {
        this.value = value;
        this.rank = rank;
    }

    /** The value stored in the database and shown in the API. */
    public String value() {
        return value;
    }

    public int rank() {
        return rank;
    }

    public boolean isTerminal() {
        return rank == 2;
    }

    public static TaskStatus fromValue(String value) {
        for (TaskStatus status : values()) {
            if (status.value.equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException(
                "Unknown task status '" + value + "': expected pending, running, completed or failed");
    }
}
