package dev.tasklane.cli.stack;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The local stack's PostgreSQL: a real PostgreSQL 17 server (zonky's binaries) whose data lives in
 * {@code .tasklane/postgres}, so clients, tasks and the rest survive a restart. Database {@code tasklane}, superuser
 * {@code postgres} without a password, on loopback only.
 */
final class LocalPostgres implements AutoCloseable {

    private final EmbeddedPostgres server;
    private final Path data;

    private LocalPostgres(EmbeddedPostgres server, Path data) {
        this.server = server;
        this.data = data;
    }

    /** Starts it with {@code settings} given to the server ({@code -c name=value}) on top of zonky's own. */
    static LocalPostgres start(Path home, int port, Map<String, String> settings) throws IOException, SQLException {
        Path data = home.resolve("postgres");
        Path binaries = home.resolve("postgres-binaries");
        Files.createDirectories(binaries);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(data.toFile())
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(new File(binaries.toString()))
                .setServerConfig("listen_addresses", "127.0.0.1");
        settings.forEach(builder::setServerConfig);
        EmbeddedPostgres server = builder.start();
        try (Connection connection = DriverManager.getConnection(server.getJdbcUrl("postgres", "postgres"));
                Statement statement = connection.createStatement()) {
            try (ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'tasklane'")) {
                if (!exists.next()) {
                    statement.execute("CREATE DATABASE tasklane");
                }
            }
        }
        return new LocalPostgres(server, data);
    }

    /** The server's main process (pg_ctl starts it detached, outside this JVM's process tree). */
    long pid() throws IOException {
        return Long.parseLong(
                Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
