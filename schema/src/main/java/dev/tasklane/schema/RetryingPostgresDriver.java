package dev.tasklane.schema;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * PostgreSQL's JDBC driver, except that a connection attempt that finds the server down (refused, unreachable, starting
 * up or shutting down) tries again every {@link #RETRY_EVERY} for up to {@link #PATIENCE} before it fails. The services
 * name it as their pool's {@code driver-class-name}: HikariCP waits ever longer between failed attempts to add a
 * connection (up to 5 s), so once PostgreSQL was gone for a few seconds the pool noticed its return only seconds later;
 * with this driver the attempt in progress succeeds within {@link #RETRY_EVERY} of the server's return. Requests
 * still fail fast while it is gone: they wait for a pooled connection at most the pool's {@code connection-timeout}.
 * A refusal that waiting cannot fix (a wrong password, a missing database) fails at once.
 */
public final class RetryingPostgresDriver implements Driver {

    static final Duration RETRY_EVERY = Duration.ofMillis(100);
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private final Driver postgres = new org.postgresql.Driver();

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                return postgres.connect(url, info);
            } catch (SQLException e) {
                if (!serverAway(e) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                try {
                    Thread.sleep(RETRY_EVERY.toMillis());
                } catch (InterruptedException interrupted) {
                    // the pool is closing
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Connection exceptions (class 08) and "the database system is starting up / shutting down" (57P03). */
    static boolean serverAway(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P03"));
    }

    @Override
    public boolean acceptsURL(String url) throws SQLException {
        return postgres.acceptsURL(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        return postgres.getPropertyInfo(url, info);
    }

    @Override
    public int getMajorVersion() {
        return postgres.getMajorVersion();
    }

    @Override
    public int getMinorVersion() {
        return postgres.getMinorVersion();
    }

    @Override
    public boolean jdbcCompliant() {
        return postgres.jdbcCompliant();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return postgres.getParentLogger();
    }
}
