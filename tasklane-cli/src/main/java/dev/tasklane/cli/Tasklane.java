package dev.tasklane.cli;

import java.io.PrintWriter;

import dev.tasklane.cli.bench.BenchCommand;
import dev.tasklane.cli.chaos.ChaosCommand;
import dev.tasklane.cli.stack.UpCommand;
import dev.tasklane.cli.status.StatusCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** {@code ./tasklane}: the one entry point to run and operate Tasklane. */
@Command(
        name = "tasklane",
        mixinStandardHelpOptions = true,
        version = "Tasklane 0.1.0",
        description = "Runs and operates Tasklane, the async task pipeline.",
        subcommands = {
            UpCommand.class,
            BenchCommand.class,
            ChaosCommand.class,
            TokenCommand.class,
            MigrateCommand.class,
            ReplayCommand.class,
            RebuildLedgerCommand.class,
            StatusCommand.class,
            HelpCommand.class
        },
        footer = {"", "Run './tasklane <command> --help' for a command's options. Docs: docs/operations.md"})
public final class Tasklane implements Runnable {

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "no command given");
    }

    /** Liquibase logs through java.util.logging; only its warnings belong on the console. Kept: loggers are weak. */
    private static final java.util.logging.Logger LIQUIBASE = java.util.logging.Logger.getLogger("liquibase");

    public static void main(String[] args) {
        LIQUIBASE.setLevel(java.util.logging.Level.WARNING);
        System.exit(execute(args));
    }

    /** Runs the command line: 0 on success, 1 when the command failed, 2 for a wrong argument. */
    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new Tasklane());
        commandLine.setParameterExceptionHandler((e, ignored) -> {
            PrintWriter err = e.getCommandLine().getErr();
            String command = e.getCommandLine().getCommandName().equals("tasklane")
                    ? ""
                    : e.getCommandLine().getCommandName() + " ";
            String message = e.getMessage();
            if (command.isEmpty() && message.startsWith("Unmatched argument")) {
                message = "unknown command '"
                        + String.join(" ", e.getCommandLine().getUnmatchedArguments()) + "'";
            }
            err.println("error: " + message + ". Try './tasklane " + command + "--help'.");
            err.flush();
            return 2;
        });
        commandLine.setExecutionExceptionHandler((e, ignored, parsed) -> {
            PrintWriter err = ignored.getErr();
            if (e instanceof CliException) {
                err.println("error: " + e.getMessage());
            } else {
                err.println(
                        "error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                                + ". This is a bug in Tasklane's command line; please report it with the command you ran.");
            }
            err.flush();
            return 1;
        });
        return commandLine.execute(args);
    }
}
