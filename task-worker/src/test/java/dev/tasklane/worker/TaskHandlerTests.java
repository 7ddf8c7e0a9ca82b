package dev.tasklane.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskRequested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TaskHandlerTests {

    /** Answers by the entity's name: "fail" fails, "wait" waits for recovery, "bug" throws, anything else completes. */
    private static final class ByName implements TaskHandler {

        final List<String> ran = new ArrayList<>();

        @Override
        public String taskType() {
            return "test_task";
        }

        @Override
        public Map<String, Object> handle(TaskRequested request) {
            ran.add(request.entityName());
            return switch (request.entityName()) {
                case "fail" -> throw new TaskFailure("It failed", "TEST", "test", false);
                case "wait" -> throw new WaitForRecovery("test_api", "Test API", "It waits", "wait", null);
                case "bug" -> throw new IllegalStateException("a bug");
                default -> Map.of("name", request.entityName());
            };
        }
    }

    private final List<TaskRequested> started = new ArrayList<>();

    private static List<TaskRequested> requests(String... names) {
        List<TaskRequested> requests = new ArrayList<>();
        for (String name : names) {
            requests.add(
                    TaskRequested.of(TaskRef.newTask("test_task", "client", UUID.randomUUID(), name, null), Map.of()));
        }
        return requests;
    }

    @Test
    void aFailureDoesNotFailItsNeighbours() {
        ByName handler = new ByName();

        List<TaskOutcome> outcomes = handler.handleAll(requests("a", "fail", "b"), started::add);

        assertThat(outcomes).hasSize(3);
        assertThat(outcomes.get(0)).isEqualTo(new TaskOutcome.Completed(Map.of("name", "a")));
        assertThat(outcomes.get(1))
                .isInstanceOfSatisfying(
                        TaskOutcome.Failed.class,
                        failed -> assertThat(failed.failure().error().code()).isEqualTo("TEST"));
        assertThat(outcomes.get(2)).isEqualTo(new TaskOutcome.Completed(Map.of("name", "b")));
    }

    @Test
    void theOutcomesEndAtTheFirstRequestThatMustWaitAndTheRestDoNotRun() {
        ByName handler = new ByName();

        List<TaskOutcome> outcomes = handler.handleAll(requests("a", "wait", "b", "c"), started::add);

        assertThat(outcomes).hasSize(2);
        assertThat(outcomes.get(1))
                .isInstanceOfSatisfying(
                        TaskOutcome.Postponed.class,
                        postponed -> assertThat(postponed.cause()).isInstanceOf(WaitForRecovery.class));
        assertThat(handler.ran).containsExactly("a", "wait");
        assertThat(started)
                .as("only what began is told as started")
                .extracting(TaskRequested::entityName)
                .containsExactly("a", "wait");
    }

    @Test
    void anUnexpectedErrorPostponesRatherThanFails() {
        ByName handler = new ByName();

        List<TaskOutcome> outcomes = handler.handleAll(requests("bug", "a"), started::add);

        assertThat(outcomes)
                .singleElement()
                .isInstanceOfSatisfying(
                        TaskOutcome.Postponed.class,
                        postponed -> assertThat(postponed.cause()).hasMessage("a bug"));
    }
}
