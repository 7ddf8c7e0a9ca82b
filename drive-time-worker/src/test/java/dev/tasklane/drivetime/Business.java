package dev.tasklane.drivetime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.testsupport.TestTopics;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

/** Test data: drivers and clients in the database, drive-time requests on Kafka, and the worker's answers. */
public final class Business {

    private final JdbcTemplate jdbc;
    private final KafkaTemplate<String, TaskEvent> kafka;

    public Business(JdbcTemplate jdbc, KafkaTemplate<String, TaskEvent> kafka) {
        this.jdbc = jdbc;
        this.kafka = kafka;
    }

    /** Deactivates every driver and client other tests left active, so counts are this test's own. */
    public void onlyWhatThisTestAdds() {
        jdbc.update("UPDATE drivers SET active = false WHERE active");
        jdbc.update("UPDATE clients SET active = false WHERE active");
    }

    public List<UUID> drivers(int count, String street) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(driver("Driver " + i + " of " + street, i + " " + street + ", Springfield"));
        }
        return ids;
    }

    public UUID driver(String name, String homeAddress) {
        return jdbc.queryForObject(
                "INSERT INTO drivers (name, home_address) VALUES (?, ?) RETURNING id", UUID.class, name, homeAddress);
    }

    public UUID client(String name, String address) {
        return jdbc.queryForObject(
                "INSERT INTO clients (name, address) VALUES (?, ?) RETURNING id", UUID.class, name, address);
    }

    /** Publishes a drive-times request for a client or driver, as the gateway's relay would. */
    public TaskRequested request(String entityType, UUID entityId, String name) {
        TaskRequested request = TaskRequested.of(
                TaskRef.newTask(TaskTypes.CALCULATE_DRIVE_TIMES, entityType, entityId, name, UUID.randomUUID()),
                Map.of(entityType.equals(EntityTypes.CLIENT) ? "client_id" : "driver_id", entityId.toString()));
        send(request);
        return request;
    }

    public void send(TaskRequested request) {
        try {
            kafka.send(
                            TaskTopics.requested(TaskTypes.CALCULATE_DRIVE_TIMES),
                            request.taskId().toString(),
                            request)
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public TaskCompleted awaitCompleted(TaskRequested request) {
        return TestTopics.awaitCompleted(request);
    }

    public TaskFailed awaitFailed(TaskRequested request) {
        return TestTopics.awaitFailed(request);
    }

    public long driveTimesOfClient(UUID clientId) {
        return jdbc.queryForObject("SELECT count(*) FROM client_drive_times WHERE client_id = ?", Long.class, clientId);
    }
}
