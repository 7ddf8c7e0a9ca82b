package dev.tasklane.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Lets a service refuse to start, with the fix in the message, when the database has no Tasklane schema. */
public final class SchemaCheck {

    private SchemaCheck() {}

    /** Throws when {@code background_tasks} is missing from the database behind {@code dataSource}. */
    public static void requireApplied(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT to_regclass('public.background_tasks') IS NOT NULL")) {
            rows.next();
            if (!rows.getBoolean(1)) {
                throw new IllegalStateException("The Tasklane schema is not applied to "
                        + connection.getMetaData().getURL()
                        + ": run './tasklane migrate --db-url "
                        + connection.getMetaData().getURL()
                        + "' (or java -jar schema-exec.jar --url=…) and start again.");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Could not reach the database to check the Tasklane schema: " + e.getMessage()
                            + ". Check TASKLANE_DB_URL, TASKLANE_DB_USER and TASKLANE_DB_PASSWORD.",
                    e);
        }
    }
}
