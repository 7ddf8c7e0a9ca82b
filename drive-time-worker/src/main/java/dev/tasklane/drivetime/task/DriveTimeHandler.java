package dev.tasklane.drivetime.task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import dev.tasklane.drivetime.matrix.DistanceMatrixClient;
import dev.tasklane.drivetime.matrix.Matrix;
import dev.tasklane.drivetime.system.DriveTimeProperties;
import dev.tasklane.drivetime.task.DriveTimeRows.Place;
import dev.tasklane.drivetime.task.DriveTimeRows.Places;
import dev.tasklane.drivetime.task.DriveTimeRows.Row;
import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.worker.TaskFailure;
import dev.tasklane.worker.TaskHandler;
import dev.tasklane.worker.TaskOutcome;
import io.github.resilience4j.retry.RetryRegistry;
import org.springframework.stereotype.Component;

/**
 * {@code calculate_drive_times}: for a client, every active driver's home to the client's address; for a driver, that
 * driver's home to every active client. Each pair is upserted into {@code client_drive_times}, with the reason when
 * there is no route, so running a task again overwrites and never duplicates. Its SQL is in {@link DriveTimeRows}, its
 * messages to people in {@link DriveTimeFailures}.
 */
@Component
class DriveTimeHandler implements TaskHandler {

    private static final int UNREACHABLE_LISTED = 20;

    private final DriveTimeRows rows;
    private final DistanceMatrixClient google;
    private final DriveTimeFailures failures;

    DriveTimeHandler(
            DriveTimeRows rows, DistanceMatrixClient google, DriveTimeProperties properties, RetryRegistry retries) {
        this.rows = rows;
        this.google = google;
        this.failures = new DriveTimeFailures(
                properties,
                retries.retry(DistanceMatrixClient.RESILIENCE).getRetryConfig().getMaxAttempts());
    }

    @Override
    public String taskType() {
        return TaskTypes.CALCULATE_DRIVE_TIMES;
    }

    /** What a task computed: its summary, and its rows of {@code client_drive_times}, written with the batch's. */
    private record Computed(Map<String, Object> result, List<Row> rows) {}

    @Override
    public Map<String, Object> handle(TaskRequested request) {
        TaskOutcome outcome = handleAll(List.of(request), started -> {}).get(0);
        if (outcome instanceof TaskOutcome.Failed failed) {
            throw failed.failure();
        }
        if (outcome instanceof TaskOutcome.Postponed postponed) {
            throw postponed.cause();
        }
        return ((TaskOutcome.Completed) outcome).result();
    }

    /**
     * The requests of one poll: their clients and drivers read with one query each, the active drivers (or clients)
     * once, one Distance Matrix question per request, and the rows of every request that succeeded written with one
     * statement. A request that fails does not hold back the others; if that statement fails, none of them is done.
     */
    @Override
    public List<TaskOutcome> handleAll(List<TaskRequested> requests, Consumer<TaskRequested> started) {
        Places places;
        try {
            places = rows.placesFor(requests);
        } catch (RuntimeException unreachable) {
            return List.of(new TaskOutcome.Postponed(unreachable));
        }
        List<TaskOutcome> outcomes = new ArrayList<>(requests.size());
        Map<List<UUID>, Row> computedRows = new LinkedHashMap<>();
        for (TaskRequested request : requests) {
            started.accept(request);
            try {
                Computed computed = compute(request, places);
                computed.rows().forEach(row -> computedRows.put(List.of(row.client(), row.driver()), row));
                outcomes.add(new TaskOutcome.Completed(computed.result()));
            } catch (TaskFailure failure) {
                outcomes.add(new TaskOutcome.Failed(failure));
            } catch (RuntimeException pending) {
                outcomes.add(new TaskOutcome.Postponed(pending));
                break;
            }
        }
        try {
            rows.store(computedRows.values());
        } catch (RuntimeException unreachable) {
            return List.of(new TaskOutcome.Postponed(unreachable));
        }
        return outcomes;
    }

    private Computed compute(TaskRequested request, Places places) {
        return switch (request.entityType()) {
            case EntityTypes.CLIENT -> forClient(request, places);
            case EntityTypes.DRIVER -> forDriver(request, places);
            default -> throw DriveTimeFailures.unsupportedEntity(request);
        };
    }

    private Computed forClient(TaskRequested request, Places places) {
        Place client = places.clients().get(request.entityId());
        if (client == null) {
            throw DriveTimeFailures.clientGone(request);
        }
        if (client.address() == null || client.address().isBlank()) {
            throw DriveTimeFailures.noAddress(client);
        }
        if (!client.active()) {
            return skipped("the client is inactive");
        }
        return compute(places.activeDrivers(), List.of(client), "the client " + client.name());
    }

    private Computed forDriver(TaskRequested request, Places places) {
        Place driver = places.drivers().get(request.entityId());
        if (driver == null) {
            throw DriveTimeFailures.driverGone(request);
        }
        if (!driver.active()) {
            return skipped("the driver is inactive");
        }
        return compute(List.of(driver), places.activeClients(), "the driver " + driver.name());
    }

    /** Routes from every driver's home to every client, and their summary. */
    private Computed compute(List<Place> drivers, List<Place> clients, String subject) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("drivers", drivers.size());
        result.put("clients", clients.size());
        if (drivers.isEmpty() || clients.isEmpty()) {
            result.put("elements_ok", 0);
            result.put("elements_failed", 0);
            result.put("api_requests", 0);
            result.put("note", drivers.isEmpty() ? "no active drivers" : "no active clients");
            return new Computed(result, List.of());
        }
        Matrix matrix = ask(
                drivers.stream().map(Place::address).toList(),
                clients.stream().map(Place::address).toList(),
                subject);
        List<Row> rows = new ArrayList<>();
        List<Map<String, Object>> unreachable = new ArrayList<>();
        int ok = 0;
        for (int d = 0; d < drivers.size(); d++) {
            for (int c = 0; c < clients.size(); c++) {
                Matrix.Route route = matrix.elements().get(d).get(c);
                Place driver = drivers.get(d);
                Place client = clients.get(c);
                rows.add(new Row(
                        client.id(),
                        driver.id(),
                        toInt(route.meters()),
                        toInt(route.seconds()),
                        route.status(),
                        route.ok() ? null : route.reason()));
                if (route.ok()) {
                    ok++;
                } else if (unreachable.size() < UNREACHABLE_LISTED) {
                    Map<String, Object> pair = new LinkedHashMap<>();
                    pair.put("driver_id", driver.id().toString());
                    pair.put("driver", driver.name());
                    pair.put("client_id", client.id().toString());
                    pair.put("client", client.name());
                    pair.put("status", route.status());
                    pair.put("reason", route.reason());
                    unreachable.add(pair);
                }
            }
        }
        result.put("elements_ok", ok);
        result.put("elements_failed", rows.size() - ok);
        result.put("api_requests", matrix.requests());
        if (!unreachable.isEmpty()) {
            result.put("unreachable", unreachable);
        }
        return new Computed(result, rows);
    }

    private static Integer toInt(Long value) {
        return value == null ? null : Math.toIntExact(value);
    }

    private Matrix ask(List<String> origins, List<String> destinations, String subject) {
        try {
            return google.routes(origins, destinations);
        } catch (Exception e) {
            throw failures.fromGoogle(e, subject);
        }
    }

    private static Computed skipped(String why) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("drivers", 0);
        result.put("elements_ok", 0);
        result.put("elements_failed", 0);
        result.put("api_requests", 0);
        result.put("note", "nothing to compute: " + why);
        return new Computed(result, List.of());
    }
}
