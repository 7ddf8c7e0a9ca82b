package dev.tasklane.events;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskTypesTests {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # name                | topic                                | label            | retryable | 1 done                     | 12 done                      | entity types
            calculate_drive_times | task.requested.calculate_drive_times | Drive times      | true      | 1 drive time computed      | 12 drive times computed      | client driver
            sync_quo              | task.requested.sync_quo              | Quo contact sync | true      | 1 contact synced to Quo    | 12 contacts synced to Quo    | client appointment
            send_appointment_text | task.requested.send_appointment_text | Appointment text | true      | 1 appointment text sent    | 12 appointment texts sent    | appointment
            """)
    void eachRegisteredTypeHasItsTopicWordsAndRetryRule(
            String name,
            String topic,
            String label,
            boolean retryable,
            String doneOne,
            String doneTwelve,
            String entityTypes) {
        TaskType type = TaskTypes.of(name);

        assertThat(type.topic()).isEqualTo(topic);
        assertThat(type.label()).isEqualTo(label);
        assertThat(type.retryable()).isEqualTo(retryable);
        assertThat(type.done(1)).isEqualTo(doneOne);
        assertThat(type.done(12)).isEqualTo(doneTwelve);
        assertThat(type.entityTypes()).containsExactly(entityTypes.split(" "));
    }

    @Test
    void theTableAboveCoversEveryRegisteredTypeOnce() {
        // a type added to the registry must be added to the table above, with its words checked
        assertThat(TaskTypes.names())
                .containsExactly(TaskTypes.CALCULATE_DRIVE_TIMES, TaskTypes.SYNC_QUO, TaskTypes.SEND_APPOINTMENT_TEXT);
        assertThat(TaskTypes.names()).doesNotHaveDuplicates();
    }

    @Test
    void anUnregisteredTypeIsRefusedNamingWhereToRegisterIt() {
        assertThat(TaskTypes.find("send_reminder")).isEmpty();
        assertThatThrownBy(() -> TaskTypes.of("send_reminder"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'send_reminder' is not a registered task type")
                .hasMessageContaining("TaskTypes.ALL");
    }

    @Test
    void aRegistrationWithoutWordsOrEntityTypesIsRefused() {
        assertThatThrownBy(
                        () -> new TaskType("send_reminder", " ", "reminder sent", "reminders sent", true, List.of("x")))
                .hasMessageContaining("'label'");
        assertThatThrownBy(() ->
                        new TaskType("send_reminder", "Reminders", "reminder sent", "reminders sent", true, List.of()))
                .hasMessageContaining("entity types");
        assertThatThrownBy(() -> new TaskType("Send-Reminder", "Reminders", "sent", "sent", true, List.of("x")))
                .hasMessageContaining("'task_type'");
    }
}
