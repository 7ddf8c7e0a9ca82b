package dev.tasklane.gateway.tasktypes;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.tasklane.gateway.GatewayIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code api-client.js} in headless Chromium against the gateway: the task types' words come from
 * {@code GET /task-types}, a page's own labels win, and when the call fails a type is still named in words.
 */
@GatewayIntegrationTest
class ApiClientTaskTypesIntegrationTests {

    private static ChromeDriver browser;

    @LocalServerPort
    int port;

    @BeforeAll
    static void startBrowser() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
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
                "--user-data-dir=" + Files.createTempDirectory(target, "chromium-"));
        browser = new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                        .build(),
                options);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** A page of the gateway's origin with api-client.js and nothing else; returns what the script reports. */
    private Object withApiClient(String script) {
        browser.get("http://127.0.0.1:" + port + "/css/");
        return browser.executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                var tag = document.createElement('script');
                tag.src = '/js/core/api-client.js';
                tag.onload = function () {
                    Promise.resolve().then(function () {\s""" + script + """
                    }).then(done, function (e) { done('error: ' + e); });
                };
                document.head.appendChild(tag);
                """);
    }

    @Test
    void theWordsOfEachTaskTypeComeFromTheGateway() {
        Object seen = withApiClient("""
                return TasklaneApi.taskTypes().then(function (loaded) {
                    return [String(loaded), TasklaneApi.taskLabel('sync_quo'),
                        TasklaneApi.taskLabel('calculate_drive_times'),
                        TasklaneApi.words.done('calculate_drive_times', 12),
                        TasklaneApi.words.done('sync_quo', 1)];
                });""");

        assertThat(seen)
                .isEqualTo(List.of(
                        "true",
                        "Quo contact sync",
                        "Drive times",
                        "12 drive times computed",
                        "1 contact synced to Quo"));
    }

    @Test
    void aPagesOwnLabelsWinOverTheGateways() {
        Object seen = withApiClient("""
                TasklaneApi.configure({ labels: { sync_quo: 'Contact sync' } });
                return TasklaneApi.taskTypes().then(function () {
                    return [TasklaneApi.taskLabel('sync_quo'), TasklaneApi.taskLabel('calculate_drive_times')];
                });""");

        assertThat(seen).isEqualTo(List.of("Contact sync", "Drive times"));
    }

    @Test
    void whenTheWordsCannotBeLoadedATypeIsNamedInWordsAndTheNextCallLoadsThem() {
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*/task-types")));
        try {
            Object blocked = withApiClient("""
                    return TasklaneApi.taskTypes().then(function (loaded) {
                        return [String(loaded), TasklaneApi.taskLabel('calculate_drive_times'),
                            TasklaneApi.words.done('calculate_drive_times', 12)];
                    });""");

            assertThat(blocked).isEqualTo(List.of("false", "Calculate drive times", "12 tasks done"));
        } finally {
            browser.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
        }

        Object afterwards = browser.executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                TasklaneApi.request('GET', '/actuator/health').then(function () {
                    done(TasklaneApi.taskLabel('calculate_drive_times'));
                }, function (e) { done('error: ' + e.message); });
                """);
        assertThat(afterwards).isEqualTo("Drive times");
    }
}
