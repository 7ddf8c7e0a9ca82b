package dev.tasklane.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * compose/compose.yaml cannot be run on these machines (no Docker), so it is checked statically: everything it builds
 * exists, it waits on health the right way, and every variable it reads is listed in .env.example and documented.
 */
class ComposeFileTests {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path COMPOSE = ROOT.resolve("compose");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
    private static final Pattern HEALTH_PORT = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/(\\d+)");
    private static final Set<String> SECRETS = Set.of("POSTGRES_PASSWORD", "GOOGLE_MAPS_API_KEY", "QUO_API_KEY");

    private static String text;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws IOException {
        text = Files.readString(COMPOSE.resolve("compose.yaml"));
        Map<String, Object> compose = new Yaml().load(text);
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    private static List<String> modules() throws IOException {
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (module.find()) {
            modules.add(module.group(1));
        }
        return modules;
    }

    @Test
    void everyServiceIsAnOfficialImageOrBuiltFromAModuleOfTheRepository() throws IOException {
        assertThat(services).containsKeys("kafka", "postgres", "migrate", "task-ledger", "api-gateway",
                "drive-time-worker", "quo-sync-worker");
        assertThat(services.get("kafka").get("image").toString()).startsWith("apache/kafka:");
        assertThat(services.get("postgres").get("image").toString()).startsWith("postgres:");
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            Map<String, Object> build = map(service.getValue(), "build");
            assertThat(service.getValue().containsKey("image") || !build.isEmpty()).as(service.getKey()).isTrue();
            if (build.isEmpty()) {
                continue;
            }
            Path context = COMPOSE.resolve(build.get("context").toString()).normalize();
            assertThat(context).as(service.getKey() + "'s build context is the repository").isEqualTo(ROOT);
            assertThat(context.resolve(build.get("dockerfile").toString())).isRegularFile();
            String module = map(build, "args").get("MODULE").toString();
            assertThat(modules()).as(service.getKey() + "'s MODULE").contains(module);
            Object classifier = map(build, "args").get("CLASSIFIER");
            if (classifier != null) {
                assertThat(Files.readString(ROOT.resolve(module).resolve("pom.xml")))
                        .contains("<classifier>" + classifier.toString().substring(1) + "</classifier>");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void servicesWaitForHealthyDependenciesAndTheMigration() {
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            map(service.getValue(), "depends_on").forEach((dependency, how) -> {
                String condition = ((Map<String, Object>) how).get("condition").toString();
                assertThat(services).as(service.getKey() + " depends on " + dependency).containsKey(dependency);
                if (condition.equals("service_healthy")) {
                    assertThat(map(services.get(dependency), "healthcheck")).as(dependency + " has a health check")
                            .containsKey("test");
                }
                else {
                    assertThat(condition).isEqualTo("service_completed_successfully");
                    assertThat(services.get(dependency).get("restart")).as(dependency + " runs once").isEqualTo("no");
                }
            });
        }
        for (String tasklane : List.of("task-ledger", "api-gateway", "drive-time-worker", "quo-sync-worker")) {
            assertThat(map(services.get(tasklane), "depends_on")).as(tasklane).containsKeys("migrate", "kafka");
        }
        assertThat(map(services.get("migrate"), "depends_on")).containsKey("postgres");
        assertThat(map(services.get("drive-time-worker"), "deploy")).containsKey("replicas");
        assertThat(map(services.get("quo-sync-worker"), "deploy")).containsKey("replicas");
    }

    @Test
    void eachHealthCheckAsksThePortTheServiceListensOn() throws IOException {
        for (String tasklane : List.of("task-ledger", "api-gateway", "drive-time-worker", "quo-sync-worker")) {
            Matcher checked = HEALTH_PORT.matcher(map(services.get(tasklane), "healthcheck").get("test").toString());
            assertThat(checked.find()).as(tasklane).isTrue();
            String configuration = Files.readString(ROOT.resolve(tasklane).resolve("src/main/resources/application.yml"));
            assertThat(configuration).as(tasklane + "'s port").containsPattern("port: \\$\\{[A-Z_]+:" + checked.group(1) + "}");
        }
    }

    @Test
    void everyVariableGivenToAServiceIsOneItReads() throws IOException {
        for (String tasklane : List.of("task-ledger", "api-gateway", "drive-time-worker", "quo-sync-worker")) {
            String configuration = Files.readString(ROOT.resolve(tasklane).resolve("src/main/resources/application.yml"));
            for (String variable : map(services.get(tasklane), "environment").keySet()) {
                if (variable.equals("TASKLANE_TOPICS_REPLICATION_FACTOR")) {
                    continue; // bound by name to tasklane.topics.replication-factor, which every service declares
                }
                assertThat(configuration).as(tasklane + " reads " + variable).contains("${" + variable + ":");
            }
        }
    }

    @Test
    void everyVariableIsListedInEnvExampleAndDocumentedAndSecretsHaveNoDefault() throws IOException {
        Set<String> variables = new LinkedHashSet<>();
        Matcher used = VARIABLE.matcher(text);
        while (used.find()) {
            variables.add(used.group(1));
        }
        assertThat(variables).hasSizeGreaterThan(15);
        String example = Files.readString(COMPOSE.resolve(".env.example"));
        String operations = Files.readString(ROOT.resolve("docs/operations.md"));
        for (String variable : variables) {
            assertThat(example).as(".env.example lists " + variable).containsPattern("(?m)^#?" + variable + "=");
            assertThat(operations).as("docs/operations.md documents " + variable).contains(variable);
        }
        for (String secret : SECRETS) {
            assertThat(text).as(secret + " must be given, never defaulted").contains("${" + secret + ":?")
                    .doesNotContain("${" + secret + ":-");
            assertThat(example).containsPattern("(?m)^" + secret + "=$");
        }
    }
}
