package dev.tasklane.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.tasklane.schema.SchemaMigrator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        header = "Applies the schema to any PostgreSQL.",
        description = {
            "Applies the Tasklane schema (tables, functions, views, row-level security) to a PostgreSQL 15+",
            "database. Running it again applies nothing."
        },
        footer = {
            "",
            "The password is better given as TASKLANE_DB_PASSWORD: a command line is visible to other users.",
            "Example: TASKLANE_DB_PASSWORD=… ./tasklane migrate --db-url jdbc:postgresql://db:5432/tasklane --user tasklane"
        })
final class MigrateCommand implements Callable<Integer> {

    @Option(
            names = "--db-url",
            paramLabel = "<jdbc url>",
            description = "jdbc:postgresql://host:5432/db (default: TASKLANE_DB_URL)")
    String url;

    @Option(names = "--user", paramLabel = "<name>", description = "default: TASKLANE_DB_USER")
    String user;

    @Option(names = "--password", paramLabel = "<password>", description = "default: TASKLANE_DB_PASSWORD")
    String password;

    @Override
    public Integer call() {
        String target = url != null ? url : System.getenv("TASKLANE_DB_URL");
        if (target == null || target.isBlank()) {
            throw new CliException(
                    "no database given: pass --db-url jdbc:postgresql://host:5432/db or set TASKLANE_DB_URL.");
        }
        if (!target.startsWith("jdbc:postgresql:")) {
            throw new CliException(
                    "--db-url must be a PostgreSQL JDBC URL such as jdbc:postgresql://host:5432/db, was '" + target
                            + "'.");
        }
        List<String> args = new ArrayList<>();
        if (url != null) {
            args.add("--url=" + url);
        }
        if (user != null) {
            args.add("--user=" + user);
        }
        if (password != null) {
            args.add("--password=" + password);
        }
        return SchemaMigrator.run(args.toArray(String[]::new), System.getenv(), System.out, System.err);
    }
}
