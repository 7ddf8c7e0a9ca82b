package dev.tasklane.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production stack's Prometheus configuration and alerting rules (compose/prometheus/): promtool accepts them, each
 * alert fires on the series it must and not on the others (alerts-test.yml), and each alert's runbook is a section of
 * docs/operations.md. Needs promtool (Debian's {@code prometheus} package; .ci/run installs it).
 */
class PrometheusRulesTests {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path PROMETHEUS = ROOT.resolve("compose").resolve("prometheus");

    @Test
    void promtoolAcceptsTheConfigurationAndEveryAlertFiresExactlyWhereItsTestsSay() throws Exception {
        assertThat(promtool("check", "config", "prometheus.yml")).contains("SUCCESS");
        assertThat(promtool("test", "rules", "alerts-test.yml")).contains("SUCCESS");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertIsTestedAndHasASummaryAndARunbookSectionInOperations() throws IOException {
        Map<String, Object> rules = new Yaml().load(Files.readString(PROMETHEUS.resolve("alerts.yml")));
        String tests = Files.readString(PROMETHEUS.resolve("alerts-test.yml"));
        String operations = Files.readString(ROOT.resolve("docs").resolve("operations.md"));
        List<Map<String, Object>> alerts = ((List<Map<String, Object>>) rules.get("groups"))
                .stream()
                        .flatMap(group -> ((List<Map<String, Object>>) group.get("rules")).stream())
                        .toList();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(8);
        for (Map<String, Object> alert : alerts) {
            String name = (String) alert.get("alert");
            Map<String, String> annotations = (Map<String, String>) alert.get("annotations");
            assertThat(annotations.get("summary")).as("%s's summary", name).isNotBlank();
            assertThat(tests).as("%s has a promtool test", name).contains("alertname: " + name + "\n");
            assertThat(annotations.get("runbook_url"))
                    .as("%s's runbook", name)
                    .isEqualTo("docs/operations.md#" + anchor("Alert: " + name));
            assertThat(operations).as("%s's runbook section", name).contains("### Alert: " + name + "\n");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyDashboardQueryIsPromQlThatPromtoolAccepts() throws Exception {
        // promtool checks a query only inside a rules file: each panel's queries become recording rules of a scratch
        // one
        Map<String, Object> dashboard = new tools.jackson.databind.json.JsonMapper()
                .readValue(
                        ROOT.resolve("compose/grafana/dashboards/tasklane.json").toFile(), Map.class);
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int queries = 0;
        for (Map<String, Object> panel : (List<Map<String, Object>>) dashboard.get("panels")) {
            for (Map<String, Object> target : (List<Map<String, Object>>) panel.get("targets")) {
                rules.append("      - record: dashboard:query")
                        .append(++queries)
                        .append("\n        expr: '")
                        .append(((String) target.get("expr")).replace("'", "''"))
                        .append("'\n");
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(9);
        Path scratch = Files.createTempFile(Path.of("target").toAbsolutePath(), "dashboard-queries", ".yml");
        Files.writeString(scratch, rules);
        assertThat(promtool("check", "rules", scratch.toString())).contains("SUCCESS: " + queries + " rules found");
    }

    /** How a Markdown heading becomes an anchor: lower case, spaces to hyphens, punctuation dropped. */
    private static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
    }

    private static String promtool(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
                .directory(PROMETHEUS.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as("promtool %s:%n%s", String.join(" ", arguments), output)
                .isZero();
        return output;
    }
}
