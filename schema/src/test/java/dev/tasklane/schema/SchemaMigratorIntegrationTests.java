package dev.tasklane.schema;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Map;

import dev.tasklane.testsupport.TestDatabase;
import dev.tasklane.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaMigratorIntegrationTests {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return SchemaMigrator.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void appliesTheWholeSchemaToAnEmptyDatabaseFromTheCommandLine() {
        TestDatabase empty = TestPostgres.newEmptyDatabase();

        int exit = run(Map.of(), "--url=" + empty.url(), "--user=" + empty.user(), "--password=" + empty.password());

        assertThat(exit).as(errors()).isZero();
        assertThat(output()).contains("Tasklane schema is up to date").contains("changesets applied");
        assertThat(new Sql(empty.dataSource())
                        .value("SELECT create_background_task('test', gen_random_uuid(), 'Test', 'test_task', NULL)"))
                .isNotNull();
    }

    @Test
    void takesTheDatabaseFromTheEnvironmentAndAppliesNothingTheSecondTime() {
        TestDatabase empty = TestPostgres.newEmptyDatabase();
        Map<String, String> env = Map.of(
                "TASKLANE_DB_URL",
                empty.url(),
                "TASKLANE_DB_USER",
                empty.user(),
                "TASKLANE_DB_PASSWORD",
                empty.password());

        assertThat(run(env)).isZero();
        out.reset();
        assertThat(run(env)).isZero();

        assertThat(output()).contains("nothing to apply");
    }

    @Test
    void migratingADatabaseMigratedByTheTestTemplateAppliesNothing() throws Exception {
        TestDatabase migrated = TestPostgres.newDatabase();

        try (Connection connection = migrated.dataSource().getConnection()) {
            assertThat(SchemaMigrator.migrate(connection)).isZero();
        }
    }

    @Test
    void aWrongArgumentIsAOneLineErrorWithAHint() {
        assertThat(run(Map.of(), "--host=db")).isEqualTo(2);
        assertThat(errors().strip()).isEqualTo("error: unknown argument '--host=db'. Try --help.");
    }

    @Test
    void aMissingUrlSaysHowToGiveIt() {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(errors()).contains("--url=jdbc:postgresql://").contains("TASKLANE_DB_URL");
    }

    @Test
    void anUnreachableDatabaseIsAClearErrorWithoutTheStackTrace() {
        int exit = run(
                Map.of(),
                "--url=jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=2",
                "--user=x",
                "--password=secret-password");

        assertThat(exit).isEqualTo(1);
        assertThat(errors())
                .startsWith("error: could not connect to jdbc:postgresql://127.0.0.1:1/nowhere")
                .contains("Check that PostgreSQL is running")
                .doesNotContain("secret-password")
                .doesNotContain("\tat ");
    }

    @Test
    void helpExplainsTheOptions() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(output()).contains("--url=").contains("TASKLANE_DB_PASSWORD");
    }
}
