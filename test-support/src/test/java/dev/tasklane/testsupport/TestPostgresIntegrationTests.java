package dev.tasklane.testsupport;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TestPostgresIntegrationTests {

    private static int count(TestDatabase database, String sql) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @Test
    void eachDatabaseIsSeparateOnOneServer() throws Exception {
        TestDatabase first = TestPostgres.newEmptyDatabase();
        TestDatabase second = TestPostgres.newEmptyDatabase();
        TestPostgres.execute(first.dataSource(), "CREATE TABLE marker (id int)");

        assertThat(first.name()).isNotEqualTo(second.name());
        assertThat(first.url()).contains(first.name());
        assertThat(count(first, "SELECT count(*) FROM pg_tables WHERE tablename = 'marker'"))
                .isEqualTo(1);
        assertThat(count(second, "SELECT count(*) FROM pg_tables WHERE tablename = 'marker'"))
                .isZero();
    }

    @Test
    void aNewDatabaseIsACopyOfTheMigratedTemplateWithItsOwnRows() throws Exception {
        TestDatabase first = TestPostgres.newDatabase();
        TestDatabase second = TestPostgres.newDatabase();
        TestPostgres.execute(first.dataSource(), "INSERT INTO template_marker VALUES (1)");

        assertThat(count(first, "SELECT count(*) FROM template_marker")).isEqualTo(1);
        assertThat(count(second, "SELECT count(*) FROM template_marker")).isZero();
    }

    @Test
    void theServerIsARealPostgresql17() throws Exception {
        TestDatabase database = TestPostgres.newEmptyDatabase();

        assertThat(count(database, "SELECT current_setting('server_version_num')::int / 10000"))
                .isEqualTo(17);
    }
}
