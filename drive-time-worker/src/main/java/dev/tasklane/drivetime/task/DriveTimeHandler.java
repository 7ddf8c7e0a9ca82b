package dev.tasklane.drivetime.task;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import com.google.maps.errors.ApiException;
import com.google.maps.errors.InvalidRequestException;
import com.google.maps.errors.OverQueryLimitException;
import com.google.maps.errors.RequestDeniedException;
import dev.tasklane.drivetime.matrix.DistanceMatrixClient;
import dev.tasklane.drivetime.matrix.Matrix;
import dev.tasklane.drivetime.system.DriveTimeProperties;
import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.worker.RateBudget;
import dev.tasklane.worker.TaskFailure;
import dev.tasklane.worker.TaskHandler;
import dev.tasklane.worker.TaskOutcome;
import dev.tasklane.worker.WaitForRecovery;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.retry.RetryRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code calculate_drive_times}: for a client, every active driver's home to the client's address; for a driver, that
 * driver's home to every active client. Each pair is upserted into {@code client_drive_times}, with the reason when
 * there is no route, so running a task again overwrites and never duplicates.
 */
@Component
class DriveTimeHandler implements TaskHandler {

    private static final String API = "Google Maps Distance Matrix API";
    private static final String SOURCE = "google_maps";
    private static final String SERVICE = "Google Maps";
    private static final int UNREACHABLE_LISTED = 20;

    private final JdbcTemplate jdbc;
    private final DistanceMatrixClient google;
    private final DriveTimeProperties properties;
    private final int attempts;

    DriveTimeHandler(
            JdbcTemplate jdbc, DistanceMatrixClient google, DriveTimeProperties properties, RetryRegistry retries) {
        this.jdbc = jdbc;
        this.google = google;
        this.properties = properties;
        this.attempts =
                retries.retry(DistanceMatrixClient.RESILIENCE).getRetryConfig().getMaxAttempts();
    }

    @Override
    public String taskType() {
        return TaskTypes.CALCULATE_DRIVE_TIMES;
    }

    private record Place(UUID id, String name, String address, boolean active) {}

    /** What a task computed: its summary, and its rows of {@code client_drive_times}, written with the batch's. */
    private record Computed(Map<String, Object> result, List<Row> rows) {}

    private record Row(UUID client, UUID driver, Integer meters, Integer seconds, String status, String reason) {}

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
            places = new Places(requests);
        } catch (RuntimeException unreachable) {
            return List.of(new TaskOutcome.Postponed(unreachable));
        }
        List<TaskOutcome> outcomes = new ArrayList<>(requests.size());
        Map<List<UUID>, Row> rows = new LinkedHashMap<>();
        for (TaskRequested request : requests) {
            started.accept(request);
            try {
                Computed computed = compute(request, places);
                computed.rows().forEach(row -> rows.put(List.of(row.client(), row.driver()), row));
                outcomes.add(new TaskOutcome.Completed(computed.result()));
            } catch (TaskFailure failure) {
                outcomes.add(new TaskOutcome.Failed(failure));
            } catch (RuntimeException pending) {
                outcomes.add(new TaskOutcome.Postponed(pending));
                break;
            }
        }
        try {
            store(rows.values());
        } catch (RuntimeException unreachable) {
            return List.of(new TaskOutcome.Postponed(unreachable));
        }
        return outcomes;
    }

    private Computed compute(TaskRequested request, Places places) {
        return switch (request.entityType()) {
            case EntityTypes.CLIENT -> forClient(request, places);
            case EntityTypes.DRIVER -> forDriver(request, places);
            default ->
                throw new TaskFailure(
                        "Drive times are computed for a client or a driver, but this task is about a "
                                + request.entityType() + " (" + request.entityName()
                                + "). Dismiss it; if it keeps coming, report "
                                + "it: whatever queued it has a bug.",
                        "UNSUPPORTED_ENTITY",
                        "worker",
                        false);
        };
    }

    /** The clients and drivers a poll's requests are about, and the active ones they are paired with. */
    private final class Places {

        private final Map<UUID, Place> clients;
        private final Map<UUID, Place> drivers;
        private final List<Place> activeDrivers;
        private final List<Place> activeClients;

        Places(List<TaskRequested> requests) {
            clients = byId(
                    "SELECT id, name, address, active FROM clients WHERE id = ANY(?::uuid[])",
                    ids(requests, EntityTypes.CLIENT));
            drivers = byId(
                    "SELECT id, name, home_address, active FROM drivers WHERE id = ANY(?::uuid[])",
                    ids(requests, EntityTypes.DRIVER));
            activeDrivers = clients.isEmpty()
                    ? List.of()
                    : places("SELECT id, name, home_address, active FROM drivers WHERE active ORDER BY id");
            activeClients = drivers.isEmpty()
                    ? List.of()
                    : places("SELECT id, name, address, active FROM clients WHERE active ORDER BY id");
        }

        private static String[] ids(List<TaskRequested> requests, String entityType) {
            return requests.stream()
                    .filter(request -> request.entityType().equals(entityType))
                    .map(request -> request.entityId().toString())
                    .distinct()
                    .toArray(String[]::new);
        }

        private Map<UUID, Place> byId(String sql, String[] ids) {
            Map<UUID, Place> found = new HashMap<>();
            if (ids.length > 0) {
                jdbc.query(sql, (row, n) -> place(row), (Object) ids).forEach(place -> found.put(place.id(), place));
            }
            return found;
        }

        private List<Place> places(String sql) {
            return jdbc.query(sql, (row, n) -> place(row));
        }

        private static Place place(ResultSet row) throws SQLException {
            return new Place(row.getObject(1, UUID.class), row.getString(2), row.getString(3), row.getBoolean(4));
        }
    }

    private Computed forClient(TaskRequested request, Places places) {
        Place client = places.clients.get(request.entityId());
        if (client == null) {
            throw new TaskFailure(
                    "Cannot compute drive times for " + request.entityName() + ": the client no longer "
                            + "exists (it was deleted after the task was queued). Dismiss this task.",
                    "CLIENT_NOT_FOUND",
                    "worker",
                    false);
        }
        if (client.address() == null || client.address().isBlank()) {
            throw new TaskFailure(
                    "Cannot compute drive times for " + client.name() + ": the client has no address. Fix "
                            + "the client's address; saving it computes the drive times again.",
                    "NO_ADDRESS",
                    "worker",
                    false);
        }
        if (!client.active()) {
            return skipped("the client is inactive");
        }
        return compute(places.activeDrivers, List.of(client), "the client " + client.name());
    }

    private Computed forDriver(TaskRequested request, Places places) {
        Place driver = places.drivers.get(request.entityId());
        if (driver == null) {
            throw new TaskFailure(
                    "Cannot compute drive times for " + request.entityName() + ": the driver no longer "
                            + "exists (deleted after the task was queued). Dismiss this task.",
                    "DRIVER_NOT_FOUND",
                    "worker",
                    false);
        }
        if (!driver.active()) {
            return skipped("the driver is inactive");
        }
        return compute(List.of(driver), places.activeClients, "the driver " + driver.name());
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

    /**
     * Upserts the rows of a poll with one statement, in key order so that two workers writing the same pairs lock them
     * in the same order. Pairs whose client or driver was deleted meanwhile are left out.
     */
    private void store(Collection<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        String[] clients = new String[n];
        String[] drivers = new String[n];
        Integer[] meters = new Integer[n];
        Integer[] seconds = new Integer[n];
        String[] statuses = new String[n];
        String[] reasons = new String[n];
        int i = 0;
        for (Row row : rows) {
            clients[i] = row.client().toString();
            drivers[i] = row.driver().toString();
            meters[i] = row.meters();
            seconds[i] = row.seconds();
            statuses[i] = row.status();
            reasons[i] = row.reason();
            i++;
        }
        jdbc.update("""
                INSERT INTO client_drive_times (client_id, driver_id, distance_meters, duration_seconds, status,
                                                status_reason, computed_at)
                SELECT r.client_id, r.driver_id, r.meters, r.seconds, r.status, r.reason, now()
                FROM unnest(?::uuid[], ?::uuid[], ?::int[], ?::int[], ?::text[], ?::text[])
                         AS r (client_id, driver_id, meters, seconds, status, reason)
                WHERE EXISTS (SELECT 1 FROM clients WHERE id = r.client_id)
                  AND EXISTS (SELECT 1 FROM drivers WHERE id = r.driver_id)
                ORDER BY r.client_id, r.driver_id
                ON CONFLICT (client_id, driver_id) DO UPDATE
                SET distance_meters = excluded.distance_meters, duration_seconds = excluded.duration_seconds,
                    status = excluded.status, status_reason = excluded.status_reason, computed_at = excluded.computed_at""", clients, drivers, meters, seconds, statuses, reasons);
    }

    private Matrix ask(List<String> origins, List<String> destinations, String subject) {
        try {
            return google.routes(origins, destinations);
        } catch (CallNotPermittedException open) {
            throw new WaitForRecovery(
                    SOURCE,
                    SERVICE,
                    SERVICE + " is not answering, so Tasklane paused calls to it; " + "the drive times for " + subject
                            + " are computed by themselves when it answers again.",
                    "check Google Maps' status page (status.cloud.google.com) and the API key's quota and billing in "
                            + "Google Cloud console",
                    open);
        } catch (RateBudget.UsedUp busy) {
            throw new WaitForRecovery(
                    SOURCE,
                    SERVICE,
                    "The Google Maps rate limit, shared by every drive-time worker, "
                            + "is used up for the moment, so the drive times for " + subject
                            + " wait their turn and are "
                            + "computed by themselves shortly.",
                    "check whether a flood of drive-time tasks is queued, and "
                            + "whether the key's quota in Google Cloud console allows raising GOOGLE_MAPS_QUOTA_PER_SECOND (the "
                            + "key's whole quota, shared by every instance)",
                    busy);
        } catch (RequestDeniedException e) {
            throw failure(
                    API + " refused the request (REQUEST_DENIED: " + e.getMessage() + ") while computing drive "
                            + "times for " + subject
                            + ". Check that the Distance Matrix API is enabled for this key in Google "
                            + "Cloud console and that GOOGLE_MAPS_API_KEY holds the right key, then retry the task.",
                    "REQUEST_DENIED",
                    false,
                    e);
        } catch (InvalidRequestException e) {
            throw failure(
                    API + " rejected the request as invalid (INVALID_REQUEST: " + e.getMessage() + ") while "
                            + "computing drive times for " + subject
                            + ". Fix the address (it must be a street address Google "
                            + "can read) and save it again; that computes the drive times anew.",
                    "INVALID_REQUEST",
                    false,
                    e);
        } catch (OverQueryLimitException e) {
            throw failure(
                    API + " returned OVER_QUERY_LIMIT (" + e.getMessage() + ") while computing drive times for "
                            + subject + ". Tasklane retried automatically " + attempts
                            + " times with growing pauses and gave "
                            + "up. Retry the task in a few minutes; if this keeps happening, raise the key's quota in Google Cloud "
                            + "console or, if something else uses the key too, lower GOOGLE_MAPS_QUOTA_PER_SECOND.",
                    "OVER_QUERY_LIMIT",
                    true,
                    e);
        } catch (ApiException e) {
            String status =
                    e.getClass().getSimpleName().replace("Exception", "").toUpperCase(java.util.Locale.ROOT);
            throw failure(
                    API + " answered " + status + " (" + e.getMessage() + ") while computing drive times for "
                            + subject + ". Tasklane retried automatically " + attempts
                            + " times. Retry the task later; if it "
                            + "keeps failing, check the key's quota and billing in Google Cloud console.",
                    status,
                    true,
                    e);
        } catch (SocketTimeoutException e) {
            throw failure(
                    API + " did not answer within " + properties.readTimeout().toSeconds() + " s while computing "
                            + "drive times for " + subject + "; Tasklane retried automatically " + attempts
                            + " times. Retry "
                            + "the task later; if it keeps happening, check the worker's network connection to Google.",
                    "TIMEOUT",
                    true,
                    e);
        } catch (IOException e) {
            String code = e.getMessage() != null && e.getMessage().startsWith("Server Error: ")
                    ? "HTTP_"
                            + e.getMessage()
                                    .substring("Server Error: ".length())
                                    .split(" ")[0]
                    : "NETWORK";
            throw failure(
                    API + " could not be reached or failed (" + e.getMessage() + ") while computing drive times "
                            + "for " + subject + "; Tasklane retried automatically " + attempts
                            + " times. Retry the task "
                            + "later; if it keeps failing, check Google's status page and the worker's network.",
                    code,
                    true,
                    e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(properties.redact(e.getMessage()), e);
        }
    }

    private TaskFailure failure(String message, String code, boolean retryable, Throwable cause) {
        return new TaskFailure(properties.redact(message), code, SOURCE, retryable);
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
