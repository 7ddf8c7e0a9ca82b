package dev.tasklane.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tasklane.cli.stack.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        header = "Re-requests the failed tasks of a type in a time window.",
        description = {
            "Re-requests the failed tasks of a type that failed in a time window: each gets a new attempt",
            "through the ledger's retry, exactly as the Retry button does. Prints how many and which.",
            "Failures someone dismissed are left alone.",
            "",
            "Times: 2026-11-30T14:00:00Z, 2026-11-30 (midnight UTC), or an age such as 90m, 6h, 2d."
        },
        footer = {"", "Example: ./tasklane replay --task-type sync_quo --since 6h --dry-run"})
final class ReplayCommand implements Callable<Integer> {

    private static final Pattern AGE = Pattern.compile("(\\d+)([smhd])");
    private static final int PAGE = 200;

    @Option(
            names = "--task-type",
            required = true,
            paramLabel = "<type>",
            description = "calculate_drive_times, sync_quo, …")
    String taskType;

    @Option(names = "--since", required = true, paramLabel = "<time>", description = "failed at or after this time")
    String since;

    @Option(names = "--until", paramLabel = "<time>", description = "failed before this time (default: now)")
    String until;

    @Option(names = "--dry-run", description = "only list the tasks that would be re-requested")
    boolean dryRun;

    @Option(
            names = "--token",
            paramLabel = "<jwt>",
            description = "a supervisor or admin token (default: minted with the local or TASKLANE_JWT_SECRET secret)")
    String token;

    @Option(names = "--ledger-url", paramLabel = "<url>", description = "default: the local stack's ledger")
    String ledgerUrl;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        Instant from = time("--since", since);
        Instant to = until == null ? Instant.now() : time("--until", until);
        if (!from.isBefore(to)) {
            throw new CliException("--since (" + from + ") must be before --until (" + to + ").");
        }
        Settings settings = Settings.fromEnvironment();
        String ledger = (ledgerUrl != null ? ledgerUrl : settings.url(Settings.LEDGER)).replaceAll("/+$", "");
        String caller = token != null
                ? token
                : Tokens.mint(Tokens.DEMO_USERS.get("admin"), "admin", Duration.ofHours(1), settings.jwtSecret(false));

        List<JsonNode> tasks = failedBetween(ledger, caller, from, to);
        out.println(tasks.size() + " failed " + taskType + " task" + (tasks.size() == 1 ? "" : "s") + " between " + from
                + " and " + to + (dryRun ? " (dry run: nothing re-requested)" : "") + ":");
        for (JsonNode task : tasks) {
            out.printf(
                    "  %s  %-11s %-28s failed %s, attempt %d: %s%n",
                    task.path("id").asString(),
                    task.path("entity_type").asString(),
                    truncate(task.path("entity_name").asString(""), 28),
                    task.path("failed_at").asString(),
                    task.path("attempt").asInt(),
                    truncate(task.path("error_message").asString(""), 80));
        }
        if (dryRun || tasks.isEmpty()) {
            return 0;
        }
        Progress progress = new Progress(tasks.size(), System.err);
        List<String> refused = new ArrayList<>();
        for (JsonNode task : tasks) {
            String id = task.path("id").asString();
            Http.Answer answer = Http.post(ledger + "/retry-task", caller, Map.of("task_id", id));
            if (!answer.ok()) {
                refused.add(id + ": " + answer.message());
            }
            progress.step();
        }
        progress.done();
        out.println("Re-requested " + (tasks.size() - refused.size()) + " of " + tasks.size() + " tasks; each is a new "
                + "attempt, visible in ./tasklane status and the dashboard.");
        if (!refused.isEmpty()) {
            out.println(refused.size() + " refused by the ledger:");
            refused.forEach(line -> out.println("  " + line));
            return 1;
        }
        return 0;
    }

    /**
     * Pages through everyone's failures of the type, newest first, from {@code to} back to {@code from}, by the ledger's
     * cursor, which skips none of the failures that share a time.
     */
    private List<JsonNode> failedBetween(String ledger, String caller, Instant from, Instant to) throws IOException {
        List<JsonNode> tasks = new ArrayList<>();
        String cursor = null;
        while (true) {
            Http.Answer page;
            try {
                page = Http.get(
                        ledger + "/get-all-failed-tasks?limit=" + PAGE + "&task_type="
                                + URLEncoder.encode(taskType, StandardCharsets.UTF_8) + "&before="
                                + URLEncoder.encode(to.toString(), StandardCharsets.UTF_8)
                                + (cursor == null
                                        ? ""
                                        : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)),
                        caller);
            } catch (IOException e) {
                throw new CliException(
                        "the ledger at " + ledger + " does not answer (" + e.getMessage() + "): start "
                                + "Tasklane (./tasklane up) or pass --ledger-url.",
                        e);
            }
            if (!page.ok()) {
                throw new CliException("the ledger refused to list failures: " + page.message()
                        + (page.status() == 401 || page.status() == 403 ? " Pass a supervisor or admin --token." : ""));
            }
            JsonNode found = page.body().path("tasks");
            for (JsonNode task : found) {
                Instant failedAt =
                        OffsetDateTime.parse(task.path("failed_at").asString()).toInstant();
                if (failedAt.isBefore(from)) {
                    return tasks;
                }
                tasks.add(task);
            }
            String next = page.body().path("next_cursor").asString("");
            if (found.size() < PAGE || next.isEmpty()) {
                return tasks;
            }
            cursor = next;
        }
    }

    static Instant time(String option, String value) {
        Matcher age = AGE.matcher(value.strip());
        if (age.matches()) {
            long amount = Long.parseLong(age.group(1));
            Duration duration = switch (age.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return Instant.now().minus(duration);
        }
        try {
            return OffsetDateTime.parse(value.strip()).toInstant();
        } catch (DateTimeParseException notDateTime) {
            try {
                return LocalDate.parse(value.strip()).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notDate) {
                throw new CliException(
                        option + " must be a time such as 2026-11-30T14:00:00Z, a date such as 2026-11-30, "
                                + "or an age such as 90m, 6h, 2d; was '" + value + "'.");
            }
        }
    }

    private static String truncate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 1) + "…";
    }

    /** A progress bar on standard error for runs long enough to want one (20 tasks or more). */
    static final class Progress {

        private final int total;
        private final PrintStream err;
        private int done;

        Progress(int total, PrintStream err) {
            this.total = total;
            this.err = err;
        }

        void step() {
            done++;
            if (total >= 20) {
                int width = 30;
                int filled = done * width / total;
                err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
                err.flush();
            }
        }

        void done() {
            if (total >= 20) {
                err.println();
            }
        }
    }
}
