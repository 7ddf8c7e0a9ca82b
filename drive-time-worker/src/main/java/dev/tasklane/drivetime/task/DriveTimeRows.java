package dev.tasklane.drivetime.task;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskRequested;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The drive-time worker's SQL: the clients and drivers a poll is about, and the rows of {@code client_drive_times}. */
@Repository
class DriveTimeRows {

    /** A client (its address) or a driver (their home address). */
    record Place(UUID id, String name, String address, boolean active) {}

    /** One pair's route, or the reason there is none. */
    record Row(UUID client, UUID driver, Integer meters, Integer seconds, String status, String reason) {}

    /** The clients and drivers a poll's requests are about, and the active ones they are paired with. */
    record Places(
            Map<UUID, Place> clients, Map<UUID, Place> drivers, List<Place> activeDrivers, List<Place> activeClients) {}

    private final JdbcTemplate jdbc;

    DriveTimeRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One query for the requests' clients, one for their drivers, and the active drivers or clients once each. */
    Places placesFor(List<TaskRequested> requests) {
        Map<UUID, Place> clients = byId(
                "SELECT id, name, address, active FROM clients WHERE id = ANY(?::uuid[])",
                ids(requests, EntityTypes.CLIENT));
        Map<UUID, Place> drivers = byId(
                "SELECT id, name, home_address, active FROM drivers WHERE id = ANY(?::uuid[])",
                ids(requests, EntityTypes.DRIVER));
        List<Place> activeDrivers = clients.isEmpty()
                ? List.of()
                : places("SELECT id, name, home_address, active FROM drivers WHERE active ORDER BY id");
        List<Place> activeClients = drivers.isEmpty()
                ? List.of()
                : places("SELECT id, name, address, active FROM clients WHERE active ORDER BY id");
        return new Places(clients, drivers, activeDrivers, activeClients);
    }

    /**
     * Upserts the rows of a poll with one statement, in key order so that two workers writing the same pairs lock them
     * in the same order. Pairs whose client or driver was deleted meanwhile are left out.
     */
    void store(Collection<Row> rows) {
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
