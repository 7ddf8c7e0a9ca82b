package dev.tasklane.ledger.query;

import java.util.List;
import java.util.UUID;

import dev.tasklane.auth.Caller;
import dev.tasklane.auth.Role;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.ledger.LedgerFixture;
import dev.tasklane.ledger.LedgerIntegrationTest;
import dev.tasklane.ledger.TaskEvents;
import dev.tasklane.ledger.system.CallerTransactions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Row-level security is what stops a cross-user read, not the Java filters: the same query without any filter, run
 * through the caller path with a crafted identity, returns only what that identity may see.
 */
@LedgerIntegrationTest
class RowLevelSecurityGuardIntegrationTests {

    private static final String EVERY_FAILURE_UNFILTERED = "SELECT id FROM background_tasks WHERE status = 'failed'";

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    CallerTransactions callers;

    @Test
    void anUnfilteredQueryAsAUserReturnsOnlyTheirRows() {
        LedgerFixture ledger = new LedgerFixture(kafka, jdbc);
        UUID alice = UUID.randomUUID();
        TaskEvents alices = ledger.aFailedTask(alice);
        TaskEvents bobs = ledger.aFailedTask(UUID.randomUUID());

        List<UUID> asAlice = callers.asCaller(
                new Caller(alice, Role.USER), () -> jdbc.queryForList(EVERY_FAILURE_UNFILTERED, UUID.class));
        List<UUID> asOwner = jdbc.queryForList(EVERY_FAILURE_UNFILTERED, UUID.class);
        List<UUID> asSupervisor = callers.asCaller(
                new Caller(UUID.randomUUID(), Role.SUPERVISOR),
                () -> jdbc.queryForList(EVERY_FAILURE_UNFILTERED, UUID.class));

        assertThat(asOwner).contains(alices.id(), bobs.id());
        assertThat(asAlice).containsExactly(alices.id());
        assertThat(asSupervisor).contains(alices.id(), bobs.id());
    }

    @Test
    void theCallersRoleAndClaimsDoNotOutliveTheTransaction() {
        callers.asCaller(
                new Caller(UUID.randomUUID(), Role.USER), () -> jdbc.queryForObject("SELECT 1", Integer.class));

        assertThat(jdbc.queryForObject("SELECT current_user = session_user", Boolean.class))
                .isTrue();
        assertThat(jdbc.queryForObject(
                        "SELECT coalesce(current_setting('request.jwt.claims', true), '')", String.class))
                .isEmpty();
    }
}
