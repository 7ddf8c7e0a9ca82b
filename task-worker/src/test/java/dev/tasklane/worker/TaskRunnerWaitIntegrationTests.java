package dev.tasklane.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskError;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskEventSerializer;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskStarted;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskWaiting;
import dev.tasklane.testsupport.TestKafka;
import dev.tasklane.testsupport.TestTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner holding tasks for an outage, against the test broker: what it announces on {@code task.status} while the
 * listener container retries the held records, on a clock the test moves instead of waiting.
 */
class TaskRunnerWaitIntegrationTests {

    private static final Duration DEADLINE = Duration.ofMinutes(30);

    /** A clock the test sets. */
    private static final class SetClock extends Clock {
        Instant now = Instant.now();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Waits for the "Test API" while it is down (for entities named "down …"), else completes; "bug" throws. */
    private static final class Outage implements TaskHandler {
        boolean down = true;

        @Override
        public String taskType() {
            return "test_task";
        }

        @Override
        public Map<String, Object> handle(TaskRequested request) {
            if (request.entityName().equals("bug")) {
                throw new IllegalStateException("the database is unreachable");
            }
            if (down && request.entityName().startsWith("down")) {
                throw new WaitForRecovery(
                        "test_api",
                        "Test API",
                        "Test API is not answering; the work for " + request.entityName()
                                + " is done by itself when it answers again.",
                        "check the Test API",
                        null);
            }
            return Map.of("name", request.entityName());
        }
    }

    private final SetClock clock = new SetClock();
    private final KafkaTemplate<String, TaskEvent> kafka = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
            Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    TestKafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG,
                    "all"),
            new StringSerializer(),
            new TaskEventSerializer()));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TaskRunner runner = new TaskRunner(kafka, "test-worker", meters, DEADLINE, clock);
    private final Outage handler = new Outage();
    private long offset;

    @AfterEach
    void closeProducer() {
        kafka.destroy();
    }

    private static TaskRequested aRequest(String name) {
        return TaskRequested.of(TaskRef.newTask("test_task", "client", UUID.randomUUID(), name, null), Map.of());
    }

    private List<ConsumerRecord<String, TaskEvent>> poll(TaskRequested... requests) {
        List<ConsumerRecord<String, TaskEvent>> records = new ArrayList<>();
        for (TaskRequested request : requests) {
            records.add(new ConsumerRecord<>(
                    TaskTopics.requested("test_task"),
                    0,
                    offset++,
                    request.taskId().toString(),
                    request));
        }
        return records;
    }

    /** Runs a poll as the listener does and returns the index of the record the batch stopped at, or -1. */
    private int run(TaskRequested... requests) {
        try {
            runner.run(poll(requests), handler);
            return -1;
        } catch (BatchListenerFailedException stopped) {
            return stopped.getIndex();
        }
    }

    private static <T extends TaskEvent> List<T> events(TaskRequested request, Class<T> type) {
        return TestTopics.events(TaskTopics.STATUS, request.taskId(), type);
    }

    @Test
    void aHeldTaskAndTheOnesBehindItAreAnnouncedWaitingOnceHoweverOftenTheyAreRetried() {
        TaskRequested done = aRequest("fine");
        TaskRequested held = aRequest("down Jane Doe");
        TaskRequested behind = aRequest("John Roe");

        assertThat(run(done, held, behind)).as("stops at the held task").isEqualTo(1);
        assertThat(run(held, behind)).isZero();
        assertThat(run(held, behind)).isZero();

        assertThat(events(done, TaskCompleted.class)).hasSize(1);
        assertThat(events(done, TaskWaiting.class)).isEmpty();
        assertThat(events(held, TaskWaiting.class)).singleElement().satisfies(waiting -> {
            assertThat(waiting.waitingFor()).isEqualTo("test_api");
            assertThat(waiting.attempt()).isEqualTo(held.attempt());
            assertThat(waiting.reason())
                    .isEqualTo("Test API is not answering; the work for down Jane Doe is done by "
                            + "itself when it answers again.");
        });
        assertThat(events(behind, TaskWaiting.class)).singleElement().satisfies(waiting -> {
            assertThat(waiting.waitingFor()).isEqualTo("test_api");
            assertThat(waiting.reason())
                    .as("another task's name is not this one's reason")
                    .doesNotContain("Jane Doe")
                    .contains("Test API")
                    .contains("runs by itself");
        });
        assertThat(events(held, TaskFailed.class)).isEmpty();
        assertThat(events(behind, TaskFailed.class)).isEmpty();
        assertThat(meters.get("tasklane.worker.waiting")
                        .tag("task_type", "test_task")
                        .counter()
                        .count())
                .isEqualTo(2);
    }

    @Test
    void pastItsDeadlineAHeldTaskFailsOnceAndStillCompletesAsTheSameAttemptWhenTheApiAnswers() {
        TaskRequested held = aRequest("down Jane Doe");
        clock.now = held.occurredAt().plus(Duration.ofMinutes(10));
        assertThat(run(held)).isZero();
        assertThat(events(held, TaskFailed.class)).as("not before the deadline").isEmpty();

        clock.now = held.occurredAt().plus(DEADLINE).plus(Duration.ofMinutes(1));
        assertThat(run(held)).as("still held").isZero();
        assertThat(run(held)).isZero();

        assertThat(events(held, TaskWaiting.class)).hasSize(1);
        assertThat(events(held, TaskFailed.class)).singleElement().satisfies(failed -> {
            assertThat(failed.attempt()).isEqualTo(held.attempt());
            assertThat(failed.error().code()).isEqualTo(TaskError.WAIT_DEADLINE);
            assertThat(failed.error().source()).isEqualTo("test_api");
            assertThat(failed.error().retryable()).isTrue();
            assertThat(failed.error().message())
                    .startsWith("Still waiting after 31 minutes (since ")
                    .contains("Test API is not answering; the work for down Jane Doe is done by itself")
                    .endsWith("If Test API stays down, check the Test API.");
        });

        handler.down = false;
        assertThat(run(held)).as("runs when the API answers").isEqualTo(-1);
        assertThat(events(held, TaskCompleted.class))
                .singleElement()
                .satisfies(completed -> assertThat(completed.attempt()).isEqualTo(held.attempt()));
    }

    @Test
    void aTaskFirstHeldAfterItsDeadlineIsToldFailedWithoutAWaitingFirst() {
        TaskRequested late = aRequest("down late");
        clock.now = late.occurredAt().plus(DEADLINE);

        assertThat(run(late)).isZero();

        assertThat(events(late, TaskWaiting.class)).isEmpty();
        assertThat(events(late, TaskFailed.class))
                .singleElement()
                .satisfies(failed -> assertThat(failed.error().code()).isEqualTo(TaskError.WAIT_DEADLINE));
    }

    @Test
    void aPostponementThatIsNotAnOutageAnnouncesNothing() {
        TaskRequested bug = aRequest("bug");
        TaskRequested behind = aRequest("down behind");
        clock.now = bug.occurredAt().plus(DEADLINE).plus(DEADLINE);

        assertThat(run(bug, behind)).isZero();

        Set<Class<?>> published = new HashSet<>();
        for (TaskRequested request : List.of(bug, behind)) {
            events(request, TaskEvent.class).forEach(event -> published.add(event.getClass()));
        }
        assertThat(published)
                .as("only the TaskStarted of the request that began")
                .containsOnly(TaskStarted.class);
    }

    @Test
    void waitsAreToldInWordsAPersonReads() {
        assertThat(TaskRunner.duration(Duration.ofSeconds(3))).isEqualTo("3 seconds");
        assertThat(TaskRunner.duration(Duration.ofMinutes(30).plusSeconds(59))).isEqualTo("30 minutes");
        assertThat(TaskRunner.duration(Duration.ofMinutes(185))).isEqualTo("3 hours 5 minutes");
    }
}
