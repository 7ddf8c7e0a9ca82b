package dev.tasklane.schema;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.ui.LoggerUIService;

/**
 * Applies the Tasklane schema to a PostgreSQL database: {@code java -jar schema-<version>-exec.jar --url=jdbc:postgresql://…
 * --user=… } with the password in {@code TASKLANE_DB_PASSWORD} (or {@code --password=…}). Applying it again changes
 * nothing.
 */
public final class SchemaMigrator {

    /** The master changelog, on the classpath of this module's jar. */
    public static final String CHANGELOG = "db/changelog/tasklane.changelog.yaml";

    private static final String USAGE = """
            Usage: java -jar schema-exec.jar --url=<jdbc url> [--user=<name>] [--password=<password>]
              Applies the Tasklane schema (tables, functions, views, row-level security) to a PostgreSQL 15+ database.
              Each option may come from the environment instead: TASKLANE_DB_URL, TASKLANE_DB_USER, TASKLANE_DB_PASSWORD
              (prefer the environment for the password: a command line is visible to other users of the machine).
              Example: java -jar schema-exec.jar --url=jdbc:postgresql://localhost:5432/tasklane --user=tasklane""";

    private SchemaMigrator() {}

    /**
     * Applies every changeset not yet applied to the database behind {@code connection}.
     *
     * @return how many changesets this call applied
     */
    public static int migrate(Connection connection) {
        try {
            int before = appliedChangesets(connection);
            Database database =
                    DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
            Scope.child(
                    Map.of(Scope.Attr.ui.name(), new LoggerUIService()),
                    () -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
                            .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                            .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                            // the summary goes to the log, not to the caller's standard output (a command's figures go
                            // there)
                            .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
                            .execute());
            return appliedChangesets(connection) - before;
        } catch (Exception e) {
            throw new SchemaMigrationException(e);
        }
    }

    private static int appliedChangesets(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            try (ResultSet exists = statement.executeQuery("SELECT to_regclass('databasechangelog') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    return 0;
                }
            }
            try (ResultSet count = statement.executeQuery("SELECT count(*) FROM databasechangelog")) {
                count.next();
                return count.getInt(1);
            }
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** The command line: 0 when the schema is in place, 1 when applying it failed, 2 for a wrong argument. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("url", env.get("TASKLANE_DB_URL"));
        options.put("user", env.get("TASKLANE_DB_USER"));
        options.put("password", env.get("TASKLANE_DB_PASSWORD"));
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                out.println(USAGE);
                return 0;
            }
            int equals = arg.indexOf('=');
            String name = arg.startsWith("--") && equals > 2 ? arg.substring(2, equals) : null;
            if (name == null || !options.containsKey(name)) {
                err.println("error: unknown argument '" + arg + "'. Try --help.");
                return 2;
            }
            options.put(name, arg.substring(equals + 1));
        }
        String url = options.get("url");
        if (url == null || url.isBlank()) {
            err.println(
                    "error: no database given: pass --url=jdbc:postgresql://host:5432/db or set TASKLANE_DB_URL. Try --help.");
            return 2;
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            err.println(
                    "error: --url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db), was '" + url + "'.");
            return 2;
        }
        try (Connection connection = DriverManager.getConnection(url, options.get("user"), options.get("password"))) {
            int applied = migrate(connection);
            out.println("Tasklane schema is up to date on "
                    + connection.getMetaData().getURL() + " ("
                    + (applied == 0 ? "nothing to apply" : applied + " changesets applied") + ").");
            return 0;
        } catch (SQLException e) {
            err.println("error: could not connect to " + url + ": " + withoutFinalPeriod(e.getMessage())
                    + ". Check that PostgreSQL is running there and that the user and password are right.");
            return 1;
        } catch (SchemaMigrationException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static String withoutFinalPeriod(String message) {
        return message != null && message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }
}
