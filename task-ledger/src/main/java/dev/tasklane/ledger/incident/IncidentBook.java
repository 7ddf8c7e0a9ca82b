package dev.tasklane.ledger.incident;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Derives the incidents of a cause from its failure history ({@code task_failures}), inside the projection's
 * transaction. An incident is a pure function of the failures of one cause — (task type, source, error code) — and of
 * when each left the inbox, so a rebuild of the ledger derives the same incidents, column for column:
 * <ul>
 * <li>failures are taken in the order they happened (failed_at, then task id and attempt);</li>
 * <li>a failure joins the cause's latest incident unless every failure of that incident had left the inbox more than
 * {@value #REOPEN_DAYS} days before it; then it opens a new one, whose id is derived from its first failure;</li>
 * <li>a failure that comes after every earlier one of its incident had left (within those days) regresses it;</li>
 * <li>an incident is {@code open} (or {@code regressed}) while any of its failures is still in an inbox, and
 * {@code resolved} when none is, at the moment the last one left.</li>
 * </ul>
 * Changed incidents are announced on the {@code task_incident_changes} channel at commit.
 */
@Component
public class IncidentBook {

    public static final String CHANNEL = "task_incident_changes";
    static final int REOPEN_DAYS = 7;
    static final int NOTIFY_CHUNK = 100;
    private static final Duration REOPEN_WITHIN = Duration.ofDays(REOPEN_DAYS);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcTemplate jdbc;

    public IncidentBook(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A cause of failures: the incident key. */
    public record Cause(String taskType, String source, String errorCode) implements Comparable<Cause> {

        @Override
        public int compareTo(Cause other) {
            return (taskType + '\u0000' + source + '\u0000' + errorCode)
                    .compareTo(other.taskType + '\u0000' + other.source + '\u0000' + other.errorCode);
        }
    }

    /** One row of {@code task_failures}, as the derivation needs it. */
    record Failure(
            UUID taskId,
            int attempt,
            String source,
            String errorCode,
            Instant failedAt,
            Instant leftAt,
            UUID incidentId) {}

    /** One row of {@code task_incidents} but its change_seq and updated_at. */
    record Incident(
            UUID id,
            Cause cause,
            String title,
            String advice,
            String state,
            Instant firstSeen,
            Instant lastSeen,
            Instant resolvedAt,
            Instant regressedAt,
            int failures,
            int openFailures) {}

    /**
     * Derives again the incidents of {@code causes} and writes what changed. Serialized per cause (an advisory lock
     * taken in cause order), so two ledger consumers that both added failures of one cause never write an incident from
     * half of them: the second reads after the first committed.
     */
    public void derive(Collection<Cause> causes) {
        Set<Cause> sorted = new TreeSet<>(causes);
        List<UUID> changed = new ArrayList<>();
        lockInOrder(
                jdbc,
                sorted.stream()
                        .map(cause -> "tasklane-incident/" + cause.taskType() + "/" + cause.source() + "/"
                                + cause.errorCode())
                        .toList());
        for (Cause cause : sorted) {
            changed.addAll(deriveOne(cause));
        }
        // PostgreSQL refuses a payload over 8,000 bytes (about 200 ids): announce in chunks
        for (int from = 0; from < changed.size(); from += NOTIFY_CHUNK) {
            List<String> ids = changed.subList(from, Math.min(changed.size(), from + NOTIFY_CHUNK)).stream()
                    .map(UUID::toString)
                    .toList();
            jdbc.queryForObject(
                    "SELECT pg_notify(?, ?)::text", String.class, CHANNEL, JSON.writeValueAsString(Map.of("ids", ids)));
        }
    }

    /**
     * Takes a transaction-scoped advisory lock on each of {@code keys}, in sorted order (so two transactions never wait
     * for each other's), with one statement whatever their number.
     */
    private static void lockInOrder(JdbcTemplate jdbc, Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        jdbc.query(
                "SELECT pg_advisory_xact_lock(h) FROM (SELECT hashtextextended(k, 15) AS h "
                        + "FROM unnest(?::text[]) WITH ORDINALITY AS u (k, n) ORDER BY n) ordered",
                row -> {},
                (Object) new TreeSet<>(keys).toArray(String[]::new));
    }

    private List<UUID> deriveOne(Cause cause) {
        List<Failure> failures = jdbc.query(
                """
                SELECT task_id, attempt, source, error_code, failed_at, left_at, incident_id FROM task_failures
                WHERE task_type = ? AND source = ? AND error_code = ? ORDER BY failed_at, task_id, attempt""",
                (row, n) -> new Failure(
                        row.getObject("task_id", UUID.class),
                        row.getInt("attempt"),
                        row.getString("source"),
                        row.getString("error_code"),
                        instant(row.getObject("failed_at", OffsetDateTime.class)),
                        instant(row.getObject("left_at", OffsetDateTime.class)),
                        row.getObject("incident_id", UUID.class)),
                cause.taskType(),
                cause.source(),
                cause.errorCode());
        Map<UUID, Incident> derived = new LinkedHashMap<>();
        Map<Failure, UUID> membership = new LinkedHashMap<>();
        fold(cause, failures, derived, membership);

        Map<UUID, Incident> stored = new LinkedHashMap<>();
        jdbc.query(
                """
                SELECT id, title, advice, state, first_seen, last_seen, resolved_at, regressed_at, failures, open_failures
                FROM task_incidents WHERE task_type = ? AND source = ? AND error_code = ?""",
                row -> {
                    UUID id = row.getObject("id", UUID.class);
                    stored.put(
                            id,
                            new Incident(
                                    id,
                                    cause,
                                    row.getString("title"),
                                    row.getString("advice"),
                                    row.getString("state"),
                                    instant(row.getObject("first_seen", OffsetDateTime.class)),
                                    instant(row.getObject("last_seen", OffsetDateTime.class)),
                                    instant(row.getObject("resolved_at", OffsetDateTime.class)),
                                    instant(row.getObject("regressed_at", OffsetDateTime.class)),
                                    row.getInt("failures"),
                                    row.getInt("open_failures")));
                },
                cause.taskType(),
                cause.source(),
                cause.errorCode());

        List<UUID> changed = new ArrayList<>();
        for (Incident incident : derived.values()) {
            if (!incident.equals(stored.get(incident.id()))) {
                upsert(incident);
                changed.add(incident.id());
            }
        }
        List<UUID> gone =
                stored.keySet().stream().filter(id -> !derived.containsKey(id)).toList();
        if (!gone.isEmpty()) {
            jdbc.update("DELETE FROM task_incidents WHERE id = ANY(?::uuid[])", (Object)
                    gone.stream().map(UUID::toString).toArray(String[]::new));
            changed.addAll(gone);
        }
        assign(membership);
        return changed;
    }

    /** The incidents of one cause from its failures in the order they happened; see the class description. */
    static void fold(
            Cause cause, List<Failure> failures, Map<UUID, Incident> incidents, Map<Failure, UUID> membership) {
        IncidentCatalog.Words words = IncidentCatalog.of(cause.taskType(), cause.source(), cause.errorCode());
        Draft current = null;
        for (Failure failure : failures) {
            Instant allLeftAt = current == null ? null : current.allLeftAt();
            if (current == null || allLeftAt != null && failure.failedAt().isAfter(allLeftAt.plus(REOPEN_WITHIN))) {
                if (current != null) {
                    incidents.put(current.id, current.toIncident(cause, words));
                }
                current = new Draft(incidentId(cause, failure), failure.failedAt());
            } else if (allLeftAt != null && !failure.failedAt().isBefore(allLeftAt)) {
                current.regressedAt = failure.failedAt();
            }
            current.add(failure);
            membership.put(failure, current.id);
        }
        if (current != null) {
            incidents.put(current.id, current.toIncident(cause, words));
        }
    }

    private static final class Draft {
        final UUID id;
        final Instant firstSeen;
        Instant lastSeen;
        Instant regressedAt;
        Instant lastLeftAt;
        int failures;
        int open;

        Draft(UUID id, Instant firstSeen) {
            this.id = id;
            this.firstSeen = firstSeen;
            this.lastSeen = firstSeen;
        }

        void add(Failure failure) {
            failures++;
            lastSeen = failure.failedAt().isAfter(lastSeen) ? failure.failedAt() : lastSeen;
            if (failure.leftAt() == null) {
                open++;
            } else if (lastLeftAt == null || failure.leftAt().isAfter(lastLeftAt)) {
                lastLeftAt = failure.leftAt();
            }
        }

        /** When the last of its failures left the inbox, or null while one is still there. */
        Instant allLeftAt() {
            return open > 0 ? null : lastLeftAt;
        }

        Incident toIncident(Cause cause, IncidentCatalog.Words words) {
            String state = open > 0 ? (regressedAt != null ? "regressed" : "open") : "resolved";
            return new Incident(
                    id,
                    cause,
                    words.title(),
                    words.advice(),
                    state,
                    firstSeen,
                    lastSeen,
                    open > 0 ? null : lastLeftAt,
                    regressedAt,
                    failures,
                    open);
        }
    }

    static UUID incidentId(Cause cause, Failure first) {
        return UUID.nameUUIDFromBytes(("tasklane-incident/" + cause.taskType() + "/" + cause.source() + "/"
                        + cause.errorCode() + "/" + first.taskId() + "/" + first.attempt())
                .getBytes(StandardCharsets.UTF_8));
    }

    private void upsert(Incident incident) {
        jdbc.update(
                """
                INSERT INTO task_incidents (id, task_type, source, error_code, title, advice, state, first_seen, last_seen,
                                            resolved_at, regressed_at, failures, open_failures)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET title = excluded.title, advice = excluded.advice, state = excluded.state,
                    first_seen = excluded.first_seen, last_seen = excluded.last_seen, resolved_at = excluded.resolved_at,
                    regressed_at = excluded.regressed_at, failures = excluded.failures,
                    open_failures = excluded.open_failures, updated_at = now(),
                    change_seq = nextval('public.task_incident_change_seq')""",
                incident.id(),
                incident.cause().taskType(),
                incident.cause().source(),
                incident.cause().errorCode(),
                incident.title(),
                incident.advice(),
                incident.state(),
                timestamp(incident.firstSeen()),
                timestamp(incident.lastSeen()),
                timestamp(incident.resolvedAt()),
                timestamp(incident.regressedAt()),
                incident.failures(),
                incident.openFailures());
    }

    private void assign(Map<Failure, UUID> membership) {
        List<Map.Entry<Failure, UUID>> moved = membership.entrySet().stream()
                .filter(entry -> !Objects.equals(entry.getKey().incidentId(), entry.getValue()))
                .toList();
        if (moved.isEmpty()) {
            return;
        }
        jdbc.update(
                """
                UPDATE task_failures f SET incident_id = v.incident_id::uuid
                FROM unnest(?::uuid[], ?::int[], ?::text[], ?::text[], ?::text[]) AS v (task_id, attempt, source, error_code, incident_id)
                WHERE f.task_id = v.task_id AND f.attempt = v.attempt AND f.source = v.source AND f.error_code = v.error_code""",
                moved.stream().map(e -> e.getKey().taskId().toString()).toArray(String[]::new),
                moved.stream().map(e -> e.getKey().attempt()).toArray(Integer[]::new),
                moved.stream().map(e -> e.getKey().source()).toArray(String[]::new),
                moved.stream().map(e -> e.getKey().errorCode()).toArray(String[]::new),
                moved.stream().map(e -> e.getValue().toString()).toArray(String[]::new));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
