package dev.tasklane.ledger.incident;

import dev.tasklane.events.TaskType;
import dev.tasklane.events.TaskTypes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TaskWordsTests {

    @Test
    void eachRegisteredTypeIsNamedByItsRegisteredLabel() {
        for (TaskType type : TaskTypes.ALL) {
            assertThat(TaskWords.label(type.name())).as(type.name()).isEqualTo(type.label());
        }
        assertThat(TaskWords.summary(TaskTypes.CALCULATE_DRIVE_TIMES, "client", "Jane Doe"))
                .isEqualTo("Drive times for client Jane Doe");
    }

    @Test
    void anUnregisteredTypeIsNamedByItsNameInWords() {
        assertThat(TaskWords.label("test_task")).isEqualTo("Test task");
    }
}
