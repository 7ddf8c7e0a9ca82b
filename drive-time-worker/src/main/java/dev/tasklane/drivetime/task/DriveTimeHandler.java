package dev.tasklane.drivetime.task;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
import dev.tasklane.worker.TaskFailure;
import dev.tasklane.worker.TaskHandler;
import dev.tasklane.worker.WaitForRecovery;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.RetryRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code calculate_drive_times}: for a client, every active driver's home to the client's address; for a driver, that
 * driver's home to every active client. Each pair is upserted into {@code client_drive_times}, with the reason when
 * there is no route, so running a task again overwrites and never duplicates.
 */
@Component
class DriveTimeHandler implements TaskHandler {

    private static final String API = "Google Maps Distance Matrix API";
    private static final String SOURCE = "google_maps";
    private static final int UNREACHABLE_LISTED = 20;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final DistanceMatrixClient google;
    private final DriveTimeProperties properties;
    private final int attempts;

    DriveTimeHandler(JdbcTemplate jdbc, TransactionTemplate transactions, DistanceMatrixClient google,
            DriveTimeProperties properties, RetryRegistry retries) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.google = google;
        this.properties = properties;
        this.attempts = retries.retry(DistanceMatrixClient.RESILIENCE).getRetryConfig().getMaxAttempts();
    }

    @Override
    public String taskType() {
        return TaskTypes.CALCULATE_DRIVE_TIMES;
    }

    private record Place(UUID id, String name, String address) {
    }

    @Override
    public Map<String, Object> handle(TaskRequested request) {
        return switch (request.entityType()) {
            case EntityTypes.CLIENT -> forClient(request);
            case EntityTypes.DRIVER -> forDriver(request);
            default -> throw new TaskFailure("Drive times are computed for a client or a driver, but this task is about a "
                    + request.entityType() + " (" + request.entityName() + "). Dismiss it; if it keeps coming, report "
                    + "it: whatever queued it has a bug.", "UNSUPPORTED_ENTITY", "worker", false);
        };
    }

    private Map<String, Object> forClient(TaskRequested request) {
        List<Map<String, Object>> found = jdbc.queryForList("SELECT name, address, active FROM clients WHERE id = ?",
                request.entityId());
        if (found.isEmpty()) {
            throw new TaskFailure("Cannot compute drive times for " + request.entityName() + ": the client no longer "
                    + "exists (it was deleted after the task was queued). Dismiss this task.", "CLIENT_NOT_FOUND",
                    "worker", false);
        }
        Map<String, Object> client = found.get(0);
        String address = (String) client.get("address");
        String name = (String) client.get("name");
        if (address == null || address.isBlank()) {
            throw new TaskFailure("Cannot compute drive times for " + name + ": the client has no address. Fix the "
                    + "client's address; saving it computes the drive times again.", "NO_ADDRESS", "worker", false);
        }
        if (!(Boolean) client.get("active")) {
            return skipped("the client is inactive");
        }
        List<Place> drivers = jdbc.query("SELECT id, name, home_address FROM drivers WHERE active ORDER BY id",
                (row, n) -> new Place(row.getObject(1, UUID.class), row.getString(2), row.getString(3)));
        Place theClient = new Place(request.entityId(), name, address);
        return compute(request, drivers, List.of(theClient), "the client " + name);
    }

    private Map<String, Object> forDriver(TaskRequested request) {
        List<Map<String, Object>> found = jdbc.queryForList("SELECT name, home_address, active FROM drivers WHERE id = ?",
                request.entityId());
        if (found.isEmpty()) {
            throw new TaskFailure("Cannot compute drive times for " + request.entityName() + ": the driver no longer "
                    + "exists (deleted after the task was queued). Dismiss this task.", "DRIVER_NOT_FOUND", "worker", false);
        }
        Map<String, Object> driver = found.get(0);
        String name = (String) driver.get("name");
        if (!(Boolean) driver.get("active")) {
            return skipped("the driver is inactive");
        }
        List<Place> clients = jdbc.query("SELECT id, name, address FROM clients WHERE active ORDER BY id",
                (row, n) -> new Place(row.getObject(1, UUID.class), row.getString(2), row.getString(3)));
        Place theDriver = new Place(request.entityId(), name, (String) driver.get("home_address"));
        return compute(request, List.of(theDriver), clients, "the driver " + name);
    }

    /** Routes from every driver's home to every client, stored, and summed up. */
    private Map<String, Object> compute(TaskRequested request, List<Place> drivers, List<Place> clients, String subject) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("drivers", drivers.size());
        result.put("clients", clients.size());
        if (drivers.isEmpty() || clients.isEmpty()) {
            result.put("elements_ok", 0);
            result.put("elements_failed", 0);
            result.put("api_requests", 0);
            result.put("note", drivers.isEmpty() ? "no active drivers" : "no active clients");
            return result;
        }
        Matrix matrix = ask(drivers.stream().map(Place::address).toList(), clients.stream().map(Place::address).toList(),
                subject);
        List<Object[]> rows = new ArrayList<>();
        List<Map<String, Object>> unreachable = new ArrayList<>();
        int ok = 0;
        for (int d = 0; d < drivers.size(); d++) {
            for (int c = 0; c < clients.size(); c++) {
                Matrix.Route route = matrix.elements().get(d).get(c);
                Place driver = drivers.get(d);
                Place client = clients.get(c);
                rows.add(new Object[] {client.id(), driver.id(), route.meters(), route.seconds(), route.status(),
                        route.ok() ? null : route.reason(), client.id(), driver.id()});
                if (route.ok()) {
                    ok++;
                }
                else if (unreachable.size() < UNREACHABLE_LISTED) {
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
        transactions.executeWithoutResult(status -> jdbc.batchUpdate("""
                INSERT INTO client_drive_times (client_id, driver_id, distance_meters, duration_seconds, status,
                                                status_reason, computed_at)
                SELECT ?, ?, ?, ?, ?, ?, now()
                WHERE EXISTS (SELECT 1 FROM clients WHERE id = ?) AND EXISTS (SELECT 1 FROM drivers WHERE id = ?)
                ON CONFLICT (client_id, driver_id) DO UPDATE
                SET distance_meters = excluded.distance_meters, duration_seconds = excluded.duration_seconds,
                    status = excluded.status, status_reason = excluded.status_reason, computed_at = excluded.computed_at""",
                rows));
        result.put("elements_ok", ok);
        result.put("elements_failed", rows.size() - ok);
        result.put("api_requests", matrix.requests());
        if (!unreachable.isEmpty()) {
            result.put("unreachable", unreachable);
        }
        return result;
    }

    private Matrix ask(List<String> origins, List<String> destinations, String subject) {
        try {
            return google.routes(origins, destinations);
        }
        catch (CallNotPermittedException open) {
            throw new WaitForRecovery(API + " is failing (circuit breaker open); computing drive times for " + subject
                    + " waits and resumes when it recovers", open);
        }
        catch (RequestNotPermitted busy) {
            throw new WaitForRecovery("Too many Distance Matrix requests are queued in this worker for the key's "
                    + "rate limit; the task for " + subject + " runs again shortly", busy);
        }
        catch (RequestDeniedException e) {
            throw failure(API + " refused the request (REQUEST_DENIED: " + e.getMessage() + ") while computing drive "
                    + "times for " + subject + ". Check that the Distance Matrix API is enabled for this key in Google "
                    + "Cloud console and that GOOGLE_MAPS_API_KEY holds the right key, then retry the task.",
                    "REQUEST_DENIED", false, e);
        }
        catch (InvalidRequestException e) {
            throw failure(API + " rejected the request as invalid (INVALID_REQUEST: " + e.getMessage() + ") while "
                    + "computing drive times for " + subject + ". Fix the address (it must be a street address Google "
                    + "can read) and save it again; that computes the drive times anew.", "INVALID_REQUEST", false, e);
        }
        catch (OverQueryLimitException e) {
            throw failure(API + " returned OVER_QUERY_LIMIT (" + e.getMessage() + ") while computing drive times for "
                    + subject + ". Tasklane retried automatically " + attempts + " times with growing pauses and gave "
                    + "up. Retry the task in a few minutes; if this keeps happening, raise the key's quota in Google Cloud "
                    + "console or lower tasklane's rate limit (resilience4j.ratelimiter.instances.google-distance-matrix).",
                    "OVER_QUERY_LIMIT", true, e);
        }
        catch (ApiException e) {
            String status = e.getClass().getSimpleName().replace("Exception", "").toUpperCase(java.util.Locale.ROOT);
            throw failure(API + " answered " + status + " (" + e.getMessage() + ") while computing drive times for "
                    + subject + ". Tasklane retried automatically " + attempts + " times. Retry the task later; if it "
                    + "keeps failing, check the key's quota and billing in Google Cloud console.", status, true, e);
        }
        catch (SocketTimeoutException e) {
            throw failure(API + " did not answer within " + properties.readTimeout().toSeconds() + " s while computing "
                    + "drive times for " + subject + "; Tasklane retried automatically " + attempts + " times. Retry "
                    + "the task later; if it keeps happening, check the worker's network connection to Google.",
                    "TIMEOUT", true, e);
        }
        catch (IOException e) {
            String code = e.getMessage() != null && e.getMessage().startsWith("Server Error: ")
                    ? "HTTP_" + e.getMessage().substring("Server Error: ".length()).split(" ")[0] : "NETWORK";
            throw failure(API + " could not be reached or failed (" + e.getMessage() + ") while computing drive times "
                    + "for " + subject + "; Tasklane retried automatically " + attempts + " times. Retry the task "
                    + "later; if it keeps failing, check Google's status page and the worker's network.", code, true, e);
        }
        catch (RuntimeException e) {
            throw e;
        }
        catch (Exception e) {
            throw new IllegalStateException(properties.redact(e.getMessage()), e);
        }
    }

    private TaskFailure failure(String message, String code, boolean retryable, Throwable cause) {
        return new TaskFailure(properties.redact(message), code, SOURCE, retryable);
    }

    private static Map<String, Object> skipped(String why) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("drivers", 0);
        result.put("elements_ok", 0);
        result.put("elements_failed", 0);
        result.put("api_requests", 0);
        result.put("note", "nothing to compute: " + why);
        return result;
    }
}
