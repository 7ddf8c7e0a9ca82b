package dev.tasklane.events;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskStatusTests {

    @Test
    void ranksOrderPendingBeforeRunningBeforeTheTerminalStates() {
        assertThat(TaskStatus.PENDING.rank()).isLessThan(TaskStatus.RUNNING.rank());
        assertThat(TaskStatus.RUNNING.rank()).isLessThan(TaskStatus.COMPLETED.rank());
        assertThat(TaskStatus.COMPLETED.rank()).isEqualTo(TaskStatus.FAILED.rank());
    }

    @Test
    void onlyCompletedAndFailedAreTerminal() {
        assertThat(TaskStatus.values())
                .filteredOn(TaskStatus::isTerminal)
                .containsExactlyInAnyOrder(TaskStatus.COMPLETED, TaskStatus.FAILED);
    }

    @Test
    void databaseValuesReadBack() {
        for (TaskStatus status : TaskStatus.values()) {
            assertThat(TaskStatus.fromValue(status.value())).isEqualTo(status);
        }
        assertThatThrownBy(() -> TaskStatus.fromValue("done")).hasMessageContaining("'done'");
    }
}
