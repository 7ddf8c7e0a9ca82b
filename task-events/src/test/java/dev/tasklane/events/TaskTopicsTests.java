package dev.tasklane.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskTopicsTests {

    @Test
    void eachTaskTypeHasItsOwnRequestTopic() {
        assertThat(TaskTopics.requested(TaskTypes.CALCULATE_DRIVE_TIMES))
                .isEqualTo("task.requested.calculate_drive_times");
        assertThat(TaskTopics.requested(TaskTypes.SYNC_QUO)).isEqualTo("task.requested.sync_quo");
    }

    @ParameterizedTest
    @ValueSource(strings = {"task.requested.sync_quo", "task.requested.calculate_drive_times", "task.requested.x2"})
    void theRequestPatternMatchesRequestTopics(String topic) {
        assertThat(TaskTopics.REQUESTED_PATTERN.matcher(topic).matches()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "task.requested.sync_quo-dlt",
                "task.requested.sync_quo-retry-0",
                "task.requested.sync_quo-retry-1000",
                "task.requested.sync_quo.DLT",
                "task.status",
                "task.status-dlt",
                "task.requested.",
                "xtask.requested.sync_quo"
            })
    void theRequestPatternExcludesRetryDeadLetterAndOtherTopics(String topic) {
        assertThat(TaskTopics.REQUESTED_PATTERN.matcher(topic).matches()).isFalse();
    }

    @Test
    void deadLetterTopicsFollowSpringKafkasDefaultSuffixAndAreNotRequestTopics() {
        String dlt = TaskTopics.deadLetter(TaskTopics.requested(TaskTypes.SYNC_QUO));

        assertThat(dlt).isEqualTo("task.requested.sync_quo-dlt");
        assertThat(TaskTopics.REQUESTED_PATTERN.matcher(dlt).matches()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Sync", "sync-quo", "sync.quo", "1sync", "sync quo"})
    void aTaskTypeThatCannotNameATopicIsRejected(String taskType) {
        assertThatThrownBy(() -> TaskTopics.requested(taskType))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'task_type'");
        assertThat(TaskTypes.isValid(taskType)).isFalse();
    }

    @Test
    void declarationsCoverEachRequestTopicTheStatusTopicAndTheirDeadLetterTopics() {
        var declarations = TaskTopics.declarations(TaskTypes.names(), 6, (short) 1, 1);

        assertThat(declarations)
                .extracting(org.apache.kafka.clients.admin.NewTopic::name)
                .containsExactlyInAnyOrder(
                        "task.requested.calculate_drive_times",
                        "task.requested.calculate_drive_times-dlt",
                        "task.requested.sync_quo",
                        "task.requested.sync_quo-dlt",
                        "task.requested.send_appointment_text",
                        "task.requested.send_appointment_text-dlt",
                        "task.status",
                        "task.status-dlt");
        assertThat(declarations)
                .allSatisfy(topic -> assertThat(topic.numPartitions()).isEqualTo(6));
        assertThat(declarations)
                .filteredOn(topic -> !topic.name().endsWith("-dlt"))
                .allSatisfy(topic -> assertThat(topic.configs()).containsEntry("retention.ms", "-1"));
    }

    @Test
    void onAClusterEveryTopicHasThreeReplicasAndRefusesWritesHeldByFewerThanTwo() {
        var declarations = TaskTopics.declarations(TaskTypes.names(), 6, (short) 3, 2);

        assertThat(declarations).allSatisfy(topic -> {
            assertThat(topic.replicationFactor()).isEqualTo((short) 3);
            assertThat(topic.configs()).containsEntry("min.insync.replicas", "2");
        });
    }

    @Test
    void moreInSyncReplicasThanCopiesAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> TaskTopics.declarations(TaskTypes.names(), 6, (short) 1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasklane.topics.min-insync-replicas");
    }
}
