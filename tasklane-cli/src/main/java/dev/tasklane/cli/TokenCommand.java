package dev.tasklane.cli;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;

import dev.tasklane.cli.stack.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        header = "Mints a token for a user, supervisor or admin.",
        description = {
            "Mints a token for the local stack (or any services sharing TASKLANE_JWT_SECRET).",
            "Prints only the token, so it can be captured: TOKEN=$(./tasklane token --role admin)"
        },
        footer = {
            "",
            "Example: curl -H \"Authorization: Bearer $(./tasklane token --role supervisor)\" "
                    + "http://localhost:8080/get-all-failed-tasks"
        })
final class TokenCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--user",
            paramLabel = "<uuid>",
            description = "the user id (sub); default: the demo person of the role")
    UUID user;

    @Option(
            names = "--role",
            paramLabel = "user|supervisor|admin",
            defaultValue = "user",
            description = "the application role (default: ${DEFAULT-VALUE})")
    String role;

    @Option(
            names = "--name",
            paramLabel = "<name>",
            description = {
                "what the person is called (user_metadata.full_name), shown on the tasks they ask for; "
                        + "default: the demo person of the role (Uma User, Sam Supervisor, Ada Admin); "
                        + "'' leaves it out, and their email is shown"
            })
    String name;

    @Option(
            names = "--hours",
            paramLabel = "<n>",
            defaultValue = "12",
            description = "how long the token is valid (default: ${DEFAULT-VALUE})")
    int hours;

    @Override
    public Integer call() {
        if (hours < 1 || hours > 24 * 30) {
            throw new CliException("--hours must be from 1 to 720, was " + hours + ".");
        }
        if (!Tokens.ROLES.contains(role)) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "--role must be one of " + String.join(", ", Tokens.ROLES) + ", was '" + role + "'");
        }
        Settings settings = Settings.fromEnvironment();
        UUID subject = user != null ? user : Tokens.DEMO_USERS.getOrDefault(role, Tokens.DEMO_USERS.get("user"));
        String fullName = name != null ? name : Tokens.DEMO_NAMES.get(role);
        System.out.println(Tokens.mint(subject, role, fullName, Duration.ofHours(hours), settings.jwtSecret(false)));
        return 0;
    }
}
