package dev.tasklane.schema;

import java.util.List;
import java.util.UUID;

import dev.tasklane.testsupport.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Row-level security as a signed-in caller: the {@code authenticated} role (not a superuser, so policies apply) with
 * the JWT claims in {@code request.jwt.claims}, exactly as PostgREST, Supabase and the Tasklane services set them.
 */
class RowLevelSecurityIntegrationTests {

    private static final UUID ALICE = UUID.fromString("a11ce000-0000-4000-8000-000000000001");
    private static final UUID BOB = UUID.fromString("b0b00000-0000-4000-8000-000000000002");
    private static final UUID SUPERVISOR = UUID.fromString("5e5e0000-0000-4000-8000-000000000003");

    private final Sql sql = new Sql(TestPostgres.newDatabase().dataSource());
    private final Tasks tasks = new Tasks(sql);

    private UUID alicesFailure;
    private UUID bobsFailure;

    @BeforeEach
    void twoUsersWithAFailureEach() {
        alicesFailure = tasks.aFailedTask(ALICE);
        bobsFailure = tasks.aFailedTask(BOB);
        tasks.aCompletedTask(BOB);
    }

    private List<Object> visibleIds(UUID caller, String role, String query) {
        return sql.asCaller(
                caller,
                role,
                session ->
                        session.query(query).stream().map(row -> row.get("id")).toList());
    }

    @Test
    void theCallerRunsWithoutSuperuserRights() {
        assertThat(sql.callerValue(
                        ALICE, "user", "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"))
                .isEqualTo(false);
    }

    @Test
    void aUserReadsOnlyTheirOwnTasks() {
        assertThat(visibleIds(ALICE, "user", "SELECT id FROM background_tasks")).containsExactly(alicesFailure);
        assertThat(visibleIds(ALICE, "user", "SELECT id FROM all_failed_tasks")).containsExactly(alicesFailure);
        assertThat(visibleIds(ALICE, "user", "SELECT id FROM user_failed_tasks"))
                .containsExactly(alicesFailure);
    }

    @Test
    void aUserCannotReadAnotherUsersTaskEvenByItsId() {
        List<?> rows = sql.asCaller(
                ALICE, "user", session -> session.query("SELECT * FROM background_tasks WHERE id = ?", bobsFailure));

        assertThat(rows).isEmpty();
    }

    @Test
    void aSupervisorAndAnAdminReadEveryonesTasks() {
        assertThat(visibleIds(SUPERVISOR, "supervisor", "SELECT id FROM all_failed_tasks"))
                .containsExactlyInAnyOrder(alicesFailure, bobsFailure);
        assertThat(visibleIds(SUPERVISOR, "admin", "SELECT id FROM background_tasks"))
                .hasSize(3);
    }

    @Test
    void userFailedTasksIsTheCallersOwnListEvenForASupervisor() {
        UUID supervisorsFailure = tasks.aFailedTask(SUPERVISOR);

        assertThat(visibleIds(SUPERVISOR, "supervisor", "SELECT id FROM user_failed_tasks"))
                .containsExactly(supervisorsFailure);
    }

    @Test
    void summaryViewsCountOnlyWhatTheCallerMaySee() {
        assertThat(sql.callerValue(ALICE, "user", "SELECT sum(failed_count) FROM failed_tasks_summary"))
                .isEqualTo(java.math.BigDecimal.ONE);
        assertThat(sql.callerValue(SUPERVISOR, "supervisor", "SELECT sum(failed_count) FROM failed_tasks_summary"))
                .isEqualTo(java.math.BigDecimal.valueOf(2));
        assertThat(sql.callerValue(ALICE, "user", "SELECT sum(task_count) FROM task_status_summary"))
                .isEqualTo(java.math.BigDecimal.ONE);
    }

    @Test
    void aUserDismissesTheirOwnFailure() {
        assertThat(sql.callerValue(ALICE, "user", "SELECT dismiss_background_task(?, ?)", alicesFailure, ALICE))
                .isEqualTo(true);

        assertThat(sql.value("SELECT dismissed_by FROM background_tasks WHERE id = ?", alicesFailure))
                .isEqualTo(ALICE);
    }

    @Test
    void aUserCannotDismissAnotherUsersTaskItIsNotThereForThem() {
        Sql.SqlFailure failure = catchThrowableOfType(
                Sql.SqlFailure.class,
                () -> sql.callerValue(ALICE, "user", "SELECT dismiss_background_task(?, ?)", bobsFailure, ALICE));

        assertThat(failure.sqlState()).isEqualTo("P0002");
        assertThat(sql.value("SELECT dismissed_at FROM background_tasks WHERE id = ?", bobsFailure))
                .isNull();
    }

    @Test
    void aUserCannotDismissInAnotherUsersName() {
        Sql.SqlFailure failure = catchThrowableOfType(
                Sql.SqlFailure.class,
                () -> sql.callerValue(ALICE, "user", "SELECT dismiss_background_task(?, ?)", bobsFailure, BOB));

        assertThat(failure.sqlState()).isEqualTo("42501");
        assertThat(failure).hasMessageContaining("cannot act on behalf of user " + BOB);
    }

    @Test
    void dismissAllOfAUserTouchesNothingOfAnotherUser() {
        assertThat(sql.callerValue(ALICE, "user", "SELECT dismiss_all_failed_tasks(?)", ALICE))
                .isEqualTo(1);

        assertThat(sql.value("SELECT dismissed_at FROM background_tasks WHERE id = ?", bobsFailure))
                .isNull();
    }

    @Test
    void aSupervisorDismissesAnotherUsersFailure() {
        assertThat(sql.callerValue(
                        SUPERVISOR, "supervisor", "SELECT dismiss_background_task(?, ?)", bobsFailure, SUPERVISOR))
                .isEqualTo(true);

        assertThat(sql.value("SELECT dismissed_by FROM background_tasks WHERE id = ?", bobsFailure))
                .isEqualTo(SUPERVISOR);
    }

    @Test
    void aDirectUpdateOfAnotherUsersRowChangesNothing() {
        int changed = sql.asCaller(ALICE, "user", session -> {
            try (var statement = session.connection()
                    .prepareStatement("UPDATE background_tasks SET dismissed_at = now() WHERE id = ?")) {
                statement.setObject(1, bobsFailure);
                return statement.executeUpdate();
            }
        });

        assertThat(changed).isZero();
        assertThat(sql.value("SELECT dismissed_at FROM background_tasks WHERE id = ?", bobsFailure))
                .isNull();
    }

    @Test
    void aUserCannotRewriteTheStatusOfEvenTheirOwnTask() {
        Sql.SqlFailure failure = catchThrowableOfType(
                Sql.SqlFailure.class,
                () -> sql.asCaller(
                        ALICE,
                        "user",
                        session -> session.query(
                                "UPDATE background_tasks SET status = 'completed' WHERE id = ?", alicesFailure)));

        assertThat(failure.sqlState()).isEqualTo("42501");
        assertThat(tasks.status(alicesFailure)).isEqualTo("failed");
    }

    @Test
    void withoutClaimsACallerSeesNothing() throws Exception {
        try (var connection = TestPostgres.newDatabase().dataSource().getConnection()) {
            Sql.query(
                    connection,
                    "SELECT create_background_task('client', gen_random_uuid(), 'A', 'sync_quo', ?)",
                    ALICE);
            assertThat(Sql.query(connection, "SELECT id FROM background_tasks")).hasSize(1);

            Sql.query(connection, "SET ROLE authenticated");

            assertThat(Sql.query(connection, "SELECT id FROM background_tasks")).isEmpty();
        }
    }

    @Test
    void theArchiveIsReadUnderTheSamePolicy() {
        tasks.age(alicesFailure, 8);
        tasks.age(bobsFailure, 8);
        sql.value("SELECT archive_old_tasks()");

        assertThat(visibleIds(ALICE, "user", "SELECT id FROM background_tasks_archive"))
                .containsExactly(alicesFailure);
        assertThat(visibleIds(SUPERVISOR, "supervisor", "SELECT id FROM background_tasks_archive"))
                .containsExactlyInAnyOrder(alicesFailure, bobsFailure);
    }
}
