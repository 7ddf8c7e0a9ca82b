package dev.tasklane.ledger.system;

import java.util.Map;

import dev.tasklane.events.TaskTypes;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger's task types come from the registry unless a setting says otherwise. */
class TaskTypeDefaultsTests {

    private static <T> T bind(String prefix, Class<T> type, Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate(prefix, type);
    }

    @Test
    void everyRegisteredTypeHasItsTopicsDeclaredByDefault() {
        assertThat(bind("tasklane.topics", TopicsProperties.class, Map.of()).taskTypes())
                .containsExactlyElementsOf(TaskTypes.names());
    }

    @Test
    void theTypesRegisteredAsRetryableMayBeRetriedByDefault() {
        assertThat(bind("tasklane.ledger", LedgerProperties.class, Map.of()).retryableTaskTypes())
                .containsExactlyElementsOf(TaskTypes.retryable())
                .containsExactlyInAnyOrder(
                        TaskTypes.CALCULATE_DRIVE_TIMES, TaskTypes.SYNC_QUO, TaskTypes.SEND_APPOINTMENT_TEXT);
    }

    @Test
    void anOperatorMayNarrowTheRetryableTypes() {
        LedgerProperties narrowed = bind(
                "tasklane.ledger", LedgerProperties.class, Map.of("tasklane.ledger.retryable-task-types", "sync_quo"));

        assertThat(narrowed.retryableTaskTypes()).containsExactly(TaskTypes.SYNC_QUO);
    }

    @Test
    void anOperatorMayLetNoTypeBeRetried() {
        LedgerProperties none =
                bind("tasklane.ledger", LedgerProperties.class, Map.of("tasklane.ledger.retryable-task-types", ""));

        assertThat(none.retryableTaskTypes()).isEmpty();
    }
}
