package dev.tasklane.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import dev.tasklane.cli.stack.Settings;
import dev.tasklane.testsupport.HttpJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The browser scripts in headless Chromium against the stack {@code ./tasklane up} started: the demo dashboard, one
 * toast per incident, the badge and the panel grouped by incident, the supervisor widget's incidents with their
 * preview, text-only rendering, and the polling fallback.
 */
@Order(2)
class BrowserTests {

    private static final Path SCREENSHOTS = Path.of("target/screenshots");

    private static RunningStack stack;
    private static HttpJson gateway;
    private static ChromeDriver browser;
    private static String user;

    @BeforeAll
    static void start() throws IOException {
        stack = RunningStack.get();
        gateway = stack.gateway();
        user = stack.tokens.get("user");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1280,900",
                "--user-data-dir=" + Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-"));
        browser = new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                        .build(),
                options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    @AfterEach
    void cleanUp() {
        google("ok", null);
        gateway.post("/dismiss-all-tasks", user, "{}");
    }

    private static String page(String path) {
        return "http://localhost:" + stack.port(Settings.GATEWAY) + "/" + path;
    }

    /** Opens the page signed in as whoever {@code token} belongs to, in a browser that has not toasted any incident. */
    private static void openAs(String token, String path) {
        browser.get(page(path));
        browser.executeScript(
                "localStorage.setItem('tasklane.token', arguments[0]); "
                        + "localStorage.removeItem('tasklane.shown-incidents')",
                token);
        reopen(path);
    }

    /** Loads the page again, keeping what this browser remembers. */
    private static void reopen(String path) {
        browser.get(page(path));
        waitFor(2)
                .until(
                        driver -> Boolean.TRUE.equals(
                                ((JavascriptExecutor) driver)
                                        .executeScript(
                                                "return !!(window.TaskMonitor && TaskMonitor.instance() && ['stream','polling'].indexOf(TaskMonitor.instance().mode()) >= 0)")));
    }

    private static WebDriverWait waitFor(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(50));
    }

    private static void google(String mode, Integer count) {
        stack.distanceMatrixSimulator()
                .post(
                        "/_sim/mode",
                        null,
                        "{\"mode\": \"" + mode + "\"" + (count == null ? "" : ", \"count\": " + count) + "}");
    }

    /** A client whose drive-time task failed. */
    private record Failure(String taskId, String clientId) {}

    /** Adds a client over HTTP whose drive-time task fails, and waits until the ledger has the failure. */
    private static String aFailedClient(String token, String name) {
        return aFailure(token, name).taskId();
    }

    private static Failure aFailure(String token, String name) {
        google("request_denied", 1);
        HttpJson.Response added = gateway.post(
                "/add-client",
                token,
                "{\"name\": " + quoted(name) + ", \"phone\": "
                        + "\"+12175550177\", \"address\": \"7 Oak St, Springfield, IL\"}");
        assertThat(added.status()).as(added.body().toString()).isEqualTo(200);
        String taskId =
                added.body().path("task_ids").path("calculate_drive_times").asString();
        String clientId = added.body().path("client_id").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(status(token, clientId)));
        return new Failure(taskId, clientId);
    }

    /** The incident the server filed the failed task under. */
    private static String incidentOf(String token, String taskId) {
        for (JsonNode task : gateway.get("/get-failed-tasks", token).body().path("tasks")) {
            if (task.path("id").asString().equals(taskId)) {
                assertThat(task.path("incident_id").isNull())
                        .as("a failure carries its incident: " + task)
                        .isFalse();
                return task.path("incident_id").asString();
            }
        }
        throw new AssertionError("no failed task " + taskId + " for this token");
    }

    private static String status(String token, String clientId) {
        for (JsonNode task : gateway.get("/tasks?entity_type=client&entity_id=" + clientId, token)
                .body()
                .path("tasks")) {
            if (task.path("task_type").asString().equals("calculate_drive_times")) {
                return task.path("status").asString();
            }
        }
        return null;
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The toast of the incident the failed task belongs to. */
    private static WebElement toastFor(String token, String taskId, int seconds) {
        return incidentToast(incidentOf(token, taskId), seconds);
    }

    private static WebElement incidentToast(String incidentId, int seconds) {
        return waitFor(seconds)
                .until(ExpectedConditions.visibilityOfElementLocated(
                        By.cssSelector(".tl-toast[data-incident-id='" + incidentId + "']")));
    }

    private static String describe(WebElement toast) {
        return "incident " + toast.getAttribute("data-incident-id") + ", task " + toast.getAttribute("data-task-id")
                + ": "
                + toast.getText() + " (remembered: "
                + browser.executeScript("return localStorage.getItem('tasklane.shown-incidents')") + ")";
    }

    private static int toastCount(WebElement toast) {
        return Integer.parseInt(
                toast.findElement(By.cssSelector(".tl-toast__count")).getText());
    }

    private static int badgeCount() {
        return Integer.parseInt(
                browser.findElement(By.cssSelector(".tl-badge__count")).getText());
    }

    private static void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static void screenshot(String name, WebElement element) throws IOException {
        browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
        Files.write(SCREENSHOTS.resolve(name + ".png"), element.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void signingInAndAddingAClientFromTheFormShowsTheInstantAnswer() {
        browser.get(page("dashboard.html"));
        browser.executeScript("localStorage.clear()");
        browser.get(page("dashboard.html"));
        browser.findElement(By.cssSelector("#sign-in-form textarea")).sendKeys(user);
        browser.findElement(By.cssSelector("#sign-in-form button")).click();
        waitFor(5).until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "Uma User (user)"));

        WebElement form = browser.findElement(By.id("add-client-form"));
        form.findElement(By.name("address")).sendKeys("1 Main St, Springfield, IL");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor(5)
                .until(ExpectedConditions.textToBePresentInElementLocated(
                        By.cssSelector("[data-error-for=name]"), "required"));

        form.findElement(By.name("name")).sendKeys("Dora Form");
        form.findElement(By.name("phone")).sendKeys("+1 217 555 0160");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement answer = browser.findElement(By.id("add-client-answer"));
        waitFor(5).until(ExpectedConditions.textToBePresentInElement(answer, "Client saved."));
        assertThat(answer.getText()).containsPattern("answered in \\d+ ms; client [0-9a-f-]{36}");
    }

    @Test
    void threeFailuresOfOneCauseAreOneToastCountingThreeAndOneGroupInThePanel() throws IOException {
        openAs(user, "dashboard.html");
        int before = badgeCount();

        String first = aFailedClient(user, "Toasty Client 1");
        String incidentId = incidentOf(user, first);
        WebElement toast = incidentToast(incidentId, 2);
        assertThat(toast.getAttribute("role")).isEqualTo("alert");
        String second = aFailedClient(user, "Toasty Client 2");
        String third = aFailedClient(user, "Toasty Client 3");
        assertThat(List.of(incidentOf(user, second), incidentOf(user, third)))
                .as("one cause, one incident")
                .containsOnly(incidentId);

        waitFor(3).until(driver -> toastCount(toast) == 3);
        assertThat(browser.findElements(By.cssSelector(".tl-toast")))
                .as("one toast for the incident")
                .hasSize(1);
        assertThat(toast.getText()).contains("3 of your tasks", "Drive times for client Toasty Client 3");
        assertThat(toast.findElement(By.cssSelector(".tl-toast__message")).getText())
                .as("what to do")
                .isNotBlank();
        waitFor(2).until(driver -> badgeCount() == before + 3);
        screenshot("toast");

        WebElement badge = browser.findElement(By.cssSelector(".tl-badge"));
        badge.click();
        WebElement panel = waitFor(2).until(ExpectedConditions.visibilityOfElementLocated(By.id("tl-panel")));
        assertThat(panel.getAttribute("role")).isEqualTo("dialog");
        List<WebElement> groups = panel.findElements(By.cssSelector(".tl-group"));
        assertThat(groups).as("one group: the incident").hasSize(1);
        WebElement group = groups.get(0);
        assertThat(group.getAttribute("data-incident-id")).isEqualTo(incidentId);
        assertThat(group.findElement(By.cssSelector(".tl-group__count")).getText())
                .isEqualTo("3");
        assertThat(group.findElements(By.cssSelector(".tl-panel__item")))
                .extracting(WebElement::getText)
                .hasSize(3)
                .allMatch(text -> text.contains("asked by ") && !text.contains("00000000-"))
                .anyMatch(text -> text.contains("Drive times for client Toasty Client 1"));
        assertThat(group.findElements(By.cssSelector("[data-action=retry-incident]")))
                .hasSize(1);
        assertThat(group.findElements(By.cssSelector("[data-action=dismiss-incident]")))
                .hasSize(1);
        assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Close");
        screenshot("panel");

        browser.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        waitFor(2).until(ExpectedConditions.invisibilityOf(panel));
        assertThat(browser.switchTo().activeElement())
                .as("focus goes back to the badge")
                .isEqualTo(badge);

        reopen("dashboard.html");
        String fourth = aFailedClient(user, "Toasty Client 4");
        waitFor(3).until(driver -> badgeCount() == before + 4);
        assertThat(incidentOf(user, fourth)).isEqualTo(incidentId);
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
        assertThat(browser.findElements(By.cssSelector(".tl-toast")))
                .extracting(BrowserTests::describe)
                .as("this browser has shown that incident")
                .isEmpty();
    }

    @Test
    void aTextThatCannotBeSentIsAToastInBusinessWords() {
        openAs(user, "dashboard.html");
        HttpJson.Response client = gateway.post(
                "/add-client",
                user,
                "{\"name\": \"Lana Landline\", \"phone\": \"+12175550188\", \"address\": \"9 Elm St, Springfield, IL\"}");
        assertThat(client.status()).as(client.body().toString()).isEqualTo(200);
        stack.quoSimulator().post("/_sim/mode", null, "{\"mode\": \"landline\"}");
        try {
            HttpJson.Response saved = gateway.post(
                    "/save-appointment",
                    user,
                    "{\"client_id\": \"" + client.body().path("client_id").asString()
                            + "\", \"scheduled_at\": \"2030-07-04T15:30:00Z\", \"pickup_address\": \"9 Elm St, "
                            + "Springfield, IL\"}");
            assertThat(saved.status()).as(saved.body().toString()).isEqualTo(200);
            String textTask =
                    saved.body().path("task_ids").path("send_appointment_text").asString();
            assertThat(textTask).as("the save queued the client's text").isNotBlank();

            String incident = await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> incidentOf(user, textTask), Objects::nonNull);
            WebElement toast = incidentToast(incident, 5);
            assertThat(toast.getText())
                    .as(describe(toast))
                    .contains("Some clients' numbers are landlines", "Appointment text for appointment Lana Landline")
                    .doesNotContain(textTask, "send_appointment_text", "LANDLINE");
            assertThat(toast.findElement(By.cssSelector(".tl-toast__message")).getText())
                    .as("what to do")
                    .contains("Put a mobile number on each client listed");
        } finally {
            stack.quoSimulator().post("/_sim/mode", null, "{\"mode\": \"ok\"}");
        }
    }

    @Test
    void retryFromTheToastClearsTheFailureOnceTheRetryCompletes() {
        openAs(user, "dashboard.html");
        String taskId = aFailedClient(user, "Retry Client");
        int failed = waitFor(2).until(driver -> badgeCount() >= 1 ? badgeCount() : null);

        toastFor(user, taskId, 2)
                .findElement(By.cssSelector("[data-action=retry-incident]"))
                .click();

        waitFor(15).until(driver -> badgeCount() == failed - 1);
        browser.findElement(By.cssSelector(".tl-badge")).click();
        waitFor(15)
                .until(ExpectedConditions.invisibilityOfElementLocated(
                        By.cssSelector("#tl-panel [data-task-id='" + taskId + "']")));
        assertThat(gateway.get("/get-failed-tasks", user)
                        .body()
                        .path("tasks")
                        .valueStream()
                        .map(task -> task.path("id").asString()))
                .doesNotContain(taskId);
    }

    @Test
    void dismissRemovesOneFailureAndDismissAllTheRest() {
        openAs(user, "dashboard.html");
        String first = aFailedClient(user, "Dismiss One");
        String second = aFailedClient(user, "Dismiss Two");
        toastFor(user, second, 2);
        browser.findElement(By.cssSelector(".tl-badge")).click();
        WebElement panel = waitFor(2).until(ExpectedConditions.visibilityOfElementLocated(By.id("tl-panel")));

        panel.findElement(By.cssSelector("[data-task-id='" + first + "'] [data-action=dismiss]"))
                .click();
        waitFor(5)
                .until(ExpectedConditions.invisibilityOfElementLocated(
                        By.cssSelector("#tl-panel [data-task-id='" + first + "']")));
        assertThat(panel.findElements(By.cssSelector("[data-task-id='" + second + "']")))
                .hasSize(1);

        panel.findElement(By.cssSelector("[data-action=dismiss-all]")).click();
        waitFor(5).until(driver -> badgeCount() == 0);
        assertThat(panel.getText()).contains("No failed tasks");
        assertThat(gateway.get("/get-failed-tasks", user).body().path("tasks").size())
                .isZero();
    }

    @Test
    void aSupervisorSeesAnotherUsersFailureInTheWidgetAndAPlainUserHasNone() throws IOException {
        UUID owner = UUID.randomUUID();
        String someoneElse = Tokens.mint(
                owner,
                "user",
                "Wanda Widget",
                Duration.ofHours(1),
                Files.readString(stack.home.resolve("jwt-secret")).strip());
        openAs(stack.tokens.get("supervisor"), "dashboard.html");
        WebElement widget = waitFor(5)
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-tasklane-widget]")));

        Failure failure = aFailure(someoneElse, "Widget Client");
        waitFor(10).until(ExpectedConditions.textToBePresentInElement(widget, "Drive times for client Widget Client"));
        assertThat(browser.findElements(By.cssSelector(".tl-toast")))
                .as("a supervisor is not toasted about someone " + "else's failure")
                .isEmpty();
        assertThat(widget.getText()).as("people are named, never a bare id").doesNotContain(owner.toString());
        new Select(widget.findElement(By.name("user"))).selectByValue(owner.toString());
        waitFor(5)
                .until(driver -> widget.findElement(By.cssSelector("[data-action=bulk-retry]"))
                        .getText()
                        .equals("Retry these (1)"));
        String who =
                widget.findElement(By.cssSelector(".tl-widget__list tbody td")).getText();
        assertThat(who).as("the Who column names the person, not the id").isEqualTo("Wanda Widget");

        widget.findElement(By.cssSelector("[data-action=bulk-retry]")).click();
        WebElement confirm = widget.findElement(By.cssSelector(".tl-widget__confirm"));
        assertThat(confirm.getText()).contains("Retry 1 failed task (the filtered set)?", "People affected: " + who);
        confirm.findElement(By.cssSelector("[data-action=confirm]")).click();
        waitFor(10).until(ExpectedConditions.textToBePresentInElement(widget, "Retried 1 of 1."));
        await().atMost(Duration.ofSeconds(15)).until(() -> "completed".equals(status(someoneElse, failure.clientId())));

        String a = aFailedClient(someoneElse, "Widget Client A");
        aFailedClient(someoneElse, "Widget Client B");
        String incidentId = incidentOf(someoneElse, a);
        String supervisor = stack.tokens.get("supervisor");
        int open = gateway.get("/get-all-failed-tasks?incident_id=" + incidentId, supervisor)
                .body()
                .path("tasks")
                .size();
        assertThat(open)
                .as("the two failures, and any other test class left of that cause")
                .isGreaterThanOrEqualTo(2);
        By card = By.cssSelector(".tl-incident[data-incident-id='" + incidentId + "']");
        waitFor(10)
                .until(driver -> driver.findElements(card).size() == 1
                        && driver.findElement(card)
                                .findElement(By.cssSelector(".tl-incident__count"))
                                .getText()
                                .equals(String.valueOf(open)));
        WebElement incident = widget.findElement(card);
        assertThat(incident.findElement(By.cssSelector(".tl-incident__people")).getText())
                .contains(who + " (2)")
                .doesNotContain(owner.toString());
        assertThat(incident.getText()).contains("What to do", "First seen", "Last seen");
        screenshot("widget", widget);

        incident.findElement(By.cssSelector("[data-action=incident-dismiss]")).click();
        WebElement preview = incident.findElement(By.cssSelector(".tl-widget__confirm"));
        assertThat(preview.isDisplayed()).isTrue();
        assertThat(preview.getText())
                .contains(
                        "Dismiss all " + open + " tasks of",
                        who + " (2)",
                        "Drive times for client Widget Client A",
                        "Drive times for client Widget Client B");
        assertThat(gateway.get("/get-all-failed-tasks?incident_id=" + incidentId, supervisor)
                        .body()
                        .path("tasks")
                        .size())
                .as("nothing happens before the confirmation")
                .isEqualTo(open);
        screenshot("widget-preview", incident);

        preview.findElement(By.cssSelector("[data-action=confirm]")).click();
        waitFor(10).until(ExpectedConditions.invisibilityOfElementLocated(card));
        waitFor(5).until(ExpectedConditions.textToBePresentInElement(widget, "Dismissed " + open + " tasks of"));
        assertThat(gateway.get("/get-all-failed-tasks?incident_id=" + incidentId, supervisor)
                        .body()
                        .path("tasks")
                        .size())
                .isZero();

        openAs(user, "dashboard.html");
        assertThat(browser.findElement(By.cssSelector("[data-tasklane-widget]")).isDisplayed())
                .isFalse();
    }

    @Test
    void aClientNamedLikeHtmlIsShownAsTextAndRunsNothing() {
        openAs(user, "dashboard.html");
        String name = "<img src=x onerror=alert(1)>";

        String taskId = aFailedClient(user, name);

        WebElement toast = toastFor(user, taskId, 2);
        assertThat(toast.getText()).contains("Drive times for client " + name);
        assertThat(toast.findElements(By.tagName("img"))).isEmpty();
        browser.findElement(By.cssSelector(".tl-badge")).click();
        WebElement panel = waitFor(2).until(ExpectedConditions.visibilityOfElementLocated(By.id("tl-panel")));
        assertThat(panel.findElement(By.cssSelector("[data-task-id='" + taskId + "']"))
                        .getText())
                .contains(name);
        assertThat(panel.findElements(By.tagName("img"))).isEmpty();
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    void withTheStreamBlockedPollingStillBringsTheToast() {
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*task-events*")));
        try {
            openAs(user, "dashboard.html?poll=1000");
            assertThat(browser.executeScript("return TaskMonitor.instance().mode()"))
                    .isEqualTo("polling");

            String taskId = aFailedClient(user, "Polled Client");

            assertThat(toastFor(user, taskId, 3).getText()).contains("Polled Client");
        } finally {
            browser.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
        }
    }

    @Test
    void aRejectedTokenGivesOneSessionExpiredNoticeNotAStorm() {
        String rejected = Tokens.mint(
                UUID.randomUUID(), "user", Duration.ofHours(1), "a-secret-the-services-do-not-know-long-enough");
        browser.get(page("dashboard.html"));
        browser.executeScript("localStorage.setItem('tasklane.token', arguments[0])", rejected);
        browser.get(page("dashboard.html?poll=300"));

        waitFor(5).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".tl-toast--info")));
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);

        assertThat(browser.findElements(By.cssSelector(".tl-toast--info")))
                .as("one notice")
                .hasSize(1);
        assertThat(browser.executeScript("return TaskMonitor.instance().mode()"))
                .as("no more calls with a rejected token")
                .isEqualTo("session-expired");
        assertThat(browser.findElement(By.cssSelector(".tl-toast--info")).getText())
                .contains("Your session has expired", "Sign in again");
    }
}
