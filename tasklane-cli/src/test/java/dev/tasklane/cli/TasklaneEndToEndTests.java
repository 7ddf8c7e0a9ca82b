package dev.tasklane.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.cli.stack.Settings;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.SseClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole of Tasklane started by {@code ./tasklane up} (a real Kafka broker and PostgreSQL, the four services as
 * their own processes, the simulators in place of Google and Quo) and driven over HTTP only, as a browser and an
 * operator would. {@link StackShutdownTests} stops it with Ctrl-C once every class has used it.
 */
@Order(1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TasklaneEndToEndTests {

    private static RunningStack stack;
    private static HttpJson gateway;

    @BeforeAll
    static void up() {
        stack = RunningStack.get();
        gateway = stack.gateway();
    }

    private static String addClient(String token, String name) {
        HttpJson.Response answer = gateway.post(
                "/add-client",
                token,
                "{\"name\": \"" + name + "\", \"phone\": "
                        + "\"+12175550142\", \"email\": \"client@example.com\", \"address\": \"12 Elm St, Springfield, IL\"}");
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        assertThat(answer.body().path("task_ids").size()).isEqualTo(2);
        return answer.body().get("client_id").asString();
    }

    private static JsonNode task(String token, String clientId, String taskType) {
        JsonNode tasks = gateway.get("/tasks?entity_type=client&entity_id=" + clientId, token)
                .body()
                .path("tasks");
        for (JsonNode task : tasks) {
            if (task.path("task_type").asString().equals(taskType)) {
                return task;
            }
        }
        return null;
    }

    private static JsonNode awaitTask(String token, String clientId, String taskType, String status) {
        return await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> task(token, clientId, taskType),
                        task -> task != null && task.path("status").asString().equals(status));
    }

    private static List<String> failedIds(String token) {
        return gateway.get("/get-failed-tasks?limit=200", token)
                .body()
                .path("tasks")
                .valueStream()
                .map(task -> task.path("id").asString())
                .toList();
    }

    @Test
    @Order(0)
    void upSaysWhatItDoesInAFewLinesAndTheBannerStaysLast() {
        List<String> console = List.copyOf(stack.output);
        int banner = console.indexOf("Tasklane is running.");
        assertThat(banner)
                .as("lines before the banner (was ~2,200 with every service's log):%n%s", String.join("\n", console))
                .isBetween(5, 59);
        assertThat(console.subList(0, banner))
                .as("each service says it is healthy")
                .anyMatch(line -> line.endsWith("task-ledger is healthy"))
                .anyMatch(line -> line.endsWith("api-gateway is healthy"))
                .noneMatch(line -> line.contains("ConsumerConfig values") || line.contains(" INFO "));
        int bannerEnd = banner;
        while (bannerEnd < console.size() && !console.get(bannerEnd).startsWith("Press Ctrl-C")) {
            bannerEnd++;
        }
        assertThat(console.get(bannerEnd))
                .as("the banner says where the logs are")
                .contains("/logs/<service>.log");
        assertThat(console.subList(bannerEnd + 1, console.size()))
                .as("after the banner, only a service's warnings and errors")
                .allMatch(line -> line.matches("^[a-z0-9-]+\\s*\\| \\S+\\s+(WARN|ERROR) .*"));
    }

    @Test
    @Order(1)
    void aNewClientIsAnsweredAtOnceAndBothTasksCompleteInTheLedger() {
        String user = stack.tokens.get("user");
        String client = addClient(user, "Ada Newcomer");

        JsonNode driveTimes = awaitTask(user, client, "calculate_drive_times", "completed");
        awaitTask(user, client, "sync_quo", "completed");

        assertThat(driveTimes.path("created_by").asString())
                .isEqualTo(Tokens.DEMO_USERS.get("user").toString());
        JsonNode contacts = new HttpJson(stack.port(Settings.QUO_SIMULATOR))
                .get("/_sim/contacts", null)
                .body();
        assertThat(contacts.path("data")
                        .valueStream()
                        .map(contact -> contact.path("externalId").asString()))
                .contains(client);
    }

    @Test
    @Order(2)
    void aRefusedGoogleKeyReachesOnlyItsOwnerAndRetryAndDismissWork() throws Exception {
        String user = stack.tokens.get("user");
        String supervisor = stack.tokens.get("supervisor");
        RunningStack.Result minted =
                stack.command("token", "--user", UUID.randomUUID().toString(), "--role", "user");
        assertThat(minted.exitCode()).isZero();
        String someoneElse = minted.output().strip();
        HttpJson google = stack.distanceMatrixSimulator();
        google.post("/_sim/mode", null, "{\"mode\": \"request_denied\"}");
        try (SseClient ownStream = SseClient.open(gateway, user);
                SseClient otherStream = SseClient.open(gateway, someoneElse)) {
            String retried = addClient(user, "Ben Retried");
            String dismissed = addClient(user, "Cleo Dismissed");

            JsonNode failed = awaitTask(user, retried, "calculate_drive_times", "failed");
            String failedId = failed.path("id").asString();
            String dismissedId = awaitTask(user, dismissed, "calculate_drive_times", "failed")
                    .path("id")
                    .asString();
            assertThat(failed.path("error_message").asString())
                    .contains(
                            "REQUEST_DENIED",
                            "Ben Retried",
                            "Check that the Distance Matrix API is enabled for this key");
            assertThat(ownStream
                            .awaitTask(failedId, "failed")
                            .data()
                            .path("entity_name")
                            .asString())
                    .isEqualTo("Ben Retried");
            // a tab that reconnects from before the failure gets it from the ledger through the gateway
            try (SseClient resumed =
                    SseClient.open(gateway, user, ownStream.events().get(0).id())) {
                assertThat(resumed.awaitTask(failedId, "failed")
                                .data()
                                .path("entity_name")
                                .asString())
                        .isEqualTo("Ben Retried");
            }
            assertThat(failedIds(user)).contains(failedId, dismissedId);
            assertThat(failedIds(someoneElse)).doesNotContain(failedId, dismissedId);
            JsonNode summary =
                    gateway.get("/get-failed-tasks-summary", supervisor).body();
            assertThat(summary.path("by_task_type")
                            .valueStream()
                            .filter(type -> type.path("task_type").asString().equals("calculate_drive_times"))
                            .mapToInt(type -> type.path("failed_count").asInt())
                            .sum())
                    .isGreaterThanOrEqualTo(2);

            google.post("/_sim/mode", null, "{\"mode\": \"ok\"}");
            HttpJson.Response retry = gateway.post("/retry-task", user, "{\"task_id\": \"" + failedId + "\"}");
            assertThat(retry.status()).as(retry.body().toString()).isEqualTo(202);
            assertThat(awaitTask(user, retried, "calculate_drive_times", "completed")
                            .path("attempt")
                            .asInt())
                    .isEqualTo(2);

            HttpJson.Response dismiss = gateway.post("/dismiss-task", user, "{\"task_id\": \"" + dismissedId + "\"}");
            assertThat(dismiss.status()).as(dismiss.body().toString()).isEqualTo(200);
            assertThat(failedIds(user)).doesNotContain(failedId, dismissedId);
            assertThat(task(user, dismissed, "calculate_drive_times")
                            .path("dismissed_at")
                            .isNull())
                    .isFalse();
            assertThat(otherStream.sawTask(failedId))
                    .as("another user's stream never hears of it")
                    .isFalse();
        } finally {
            google.post("/_sim/mode", null, "{\"mode\": \"ok\"}");
        }
    }

    @Test
    @Order(3)
    void theOperatorCommandsWorkAgainstTheRunningStack() throws Exception {
        RunningStack.Result status = stack.command("status");
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output())
                .contains(
                        "api-gateway",
                        "quo-sync-worker",
                        "kafka",
                        "postgresql",
                        "Consumer lag",
                        "task.requested.sync_quo",
                        "Outbox backlog: 0 rows",
                        "Open incidents (failures by cause)",
                        "Tasks waiting for an outage to end");

        RunningStack.Result rebuild = stack.command("rebuild-ledger");
        assertThat(rebuild.exitCode()).as(rebuild.output()).isZero();
        assertThat(rebuild.output()).containsPattern("Rebuilt background_tasks from .*: \\d+ tasks from \\d+ events");

        RunningStack.Result dryRun =
                stack.command("replay", "--task-type", "calculate_drive_times", "--since", "1h", "--dry-run");
        assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
        assertThat(dryRun.output()).contains("0 failed calculate_drive_times tasks", "dry run");

        RunningStack.Result wrong = stack.command("token", "--role", "boss");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.output().strip())
                .isEqualTo("error: --role must be one of user, supervisor, admin, was 'boss'. "
                        + "Try './tasklane token --help'.");
    }

    @Test
    @Order(4)
    void aSecondStackOnTheSamePortsIsRefusedNamingThePortAndItsVariable() throws Exception {
        // a stack of its own (another home): the one in this home is refused earlier, as a run still going
        Path otherHome = Files.createTempDirectory("tasklane-second-home");
        RunningStack.Result second = stack.command(
                Map.of(
                        "TASKLANE_HOME",
                        otherHome.toString(),
                        "TASKLANE_LEDGER_PORT",
                        String.valueOf(stack.port(Settings.LEDGER))),
                "up");
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.output())
                .contains(
                        "port " + stack.port(Settings.LEDGER) + " (task-ledger) is already in use",
                        "TASKLANE_LEDGER_PORT");
    }
}
