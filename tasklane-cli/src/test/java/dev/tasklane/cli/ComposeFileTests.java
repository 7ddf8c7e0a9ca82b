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
    private static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");
    private static final List<String> TASKLANE =
            List.of("task-ledger", "api-gateway", "drive-time-worker", "quo-sync-worker");
    private static final Set<String> SECRETS =
            Set.of("POSTGRES_PASSWORD", "GOOGLE_MAPS_API_KEY", "QUO_API_KEY", "TASKLANE_GRAFANA_ADMIN_PASSWORD");

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
        assertThat(services)
                .containsKeys(
                        "kafka-1",
                        "kafka-2",
                        "kafka-3",
                        "postgres",
                        "migrate",
                        "task-ledger",
                        "api-gateway",
                        "drive-time-worker",
                        "quo-sync-worker");
        for (String broker : BROKERS) {
            assertThat(services.get(broker).get("image").toString()).startsWith("apache/kafka:");
        }
        assertThat(services.get("postgres").get("image").toString()).startsWith("postgres:");
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            Map<String, Object> build = map(service.getValue(), "build");
            assertThat(service.getValue().containsKey("image") || !build.isEmpty())
                    .as(service.getKey())
                    .isTrue();
            if (build.isEmpty()) {
                continue;
            }
            Path context = COMPOSE.resolve(build.get("context").toString()).normalize();
            assertThat(context)
                    .as(service.getKey() + "'s build context is the repository")
                    .isEqualTo(ROOT);
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
                assertThat(services)
                        .as(service.getKey() + " depends on " + dependency)
                        .containsKey(dependency);
                if (condition.equals("service_healthy")) {
                    assertThat(map(services.get(dependency), "healthcheck"))
                            .as(dependency + " has a health check")
                            .containsKey("test");
                } else {
                    assertThat(condition).isEqualTo("service_completed_successfully");
                    assertThat(services.get(dependency).get("restart"))
                            .as(dependency + " runs once")
                            .isEqualTo("no");
                }
            });
        }
        for (String tasklane : TASKLANE) {
            assertThat(map(services.get(tasklane), "depends_on"))
                    .as(tasklane)
                    .containsKeys("migrate", "kafka-1", "kafka-2", "kafka-3");
        }
        assertThat(map(services.get("migrate"), "depends_on")).containsKey("postgres");
        assertThat(map(services.get("drive-time-worker"), "deploy")).containsKey("replicas");
        assertThat(map(services.get("quo-sync-worker"), "deploy")).containsKey("replicas");
    }

    @Test
    void eachHealthCheckAsksThePortTheServiceListensOn() throws IOException {
        for (String tasklane : TASKLANE) {
            Matcher checked = HEALTH_PORT.matcher(
                    map(services.get(tasklane), "healthcheck").get("test").toString());
            assertThat(checked.find()).as(tasklane).isTrue();
            String configuration =
                    Files.readString(ROOT.resolve(tasklane).resolve("src/main/resources/application.yml"));
            assertThat(configuration)
                    .as(tasklane + "'s port")
                    .containsPattern("port: \\$\\{[A-Z_]+:" + checked.group(1) + "}");
        }
    }

    @Test
    void everyVariableGivenToAServiceIsOneItReads() throws IOException {
        for (String tasklane : TASKLANE) {
            String configuration =
                    Files.readString(ROOT.resolve(tasklane).resolve("src/main/resources/application.yml"));
            if (tasklane.endsWith("-worker")) {
                // a worker also reads the settings every worker shares, from task-worker's defaults
                configuration +=
                        Files.readString(ROOT.resolve("task-worker/src/main/resources/tasklane-worker-defaults.yml"));
            }
            for (String variable : map(services.get(tasklane), "environment").keySet()) {
                if (variable.equals("TASKLANE_TOPICS_REPLICATION_FACTOR")
                        || variable.equals("TASKLANE_TOPICS_MIN_INSYNC_REPLICAS")) {
                    continue; // bound by name to tasklane.topics.replication-factor / .min-insync-replicas
                }
                if (variable.equals("JAVA_TOOL_OPTIONS")) {
                    continue; // read by the JVM itself (the gateway's collector and heap)
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
            assertThat(operations)
                    .as("docs/operations.md documents " + variable)
                    .contains(variable);
        }
        for (String secret : SECRETS) {
            assertThat(text)
                    .as(secret + " must be given, never defaulted")
                    .contains("${" + secret + ":?")
                    .doesNotContain("${" + secret + ":-");
            assertThat(example).containsPattern("(?m)^" + secret + "=$");
        }
    }

    @Test
    void threeBrokersFormOneKraftQuorumWithThreeReplicasOfEveryTopic() {
        Set<String> nodeIds = new LinkedHashSet<>();
        Set<String> clusterIds = new LinkedHashSet<>();
        for (String broker : BROKERS) {
            Map<String, Object> kafka = map(services.get(broker), "environment");
            nodeIds.add(kafka.get("KAFKA_NODE_ID").toString());
            clusterIds.add(kafka.get("CLUSTER_ID").toString());
            assertThat(kafka.get("KAFKA_PROCESS_ROLES")).as(broker).isEqualTo("broker,controller");
            assertThat(kafka.get("KAFKA_CONTROLLER_QUORUM_VOTERS"))
                    .as(broker + "'s voters")
                    .isEqualTo("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
            assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS")).as(broker).isEqualTo("PLAINTEXT://" + broker + ":9092");
            for (String replicas : List.of(
                    "KAFKA_DEFAULT_REPLICATION_FACTOR",
                    "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                    "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR")) {
                assertThat(kafka.get(replicas).toString())
                        .as(broker + " " + replicas)
                        .isEqualTo("3");
            }
            for (String minInSync : List.of("KAFKA_MIN_INSYNC_REPLICAS", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")) {
                assertThat(kafka.get(minInSync).toString())
                        .as(broker + " " + minInSync)
                        .isEqualTo("2");
            }
            assertThat(services.get(broker).get("volumes").toString())
                    .as(broker + " keeps its data in a volume of its own")
                    .contains(broker + "-data:");
            assertThat(map(services.get(broker), "healthcheck")).as(broker).containsKey("test");
        }
        assertThat(nodeIds).as("node ids").containsExactly("1", "2", "3");
        assertThat(clusterIds)
                .as("one cluster id, 22 characters of base64")
                .singleElement()
                .asString()
                .matches("[A-Za-z0-9_-]{22}");
    }

    @Test
    void everyServiceIsGivenEveryBrokerAndThreeReplicasWithTwoInSync() {
        for (String tasklane : TASKLANE) {
            Map<String, Object> environment = map(services.get(tasklane), "environment");
            assertThat(List.of(environment
                            .get("TASKLANE_KAFKA_BOOTSTRAP")
                            .toString()
                            .split(",")))
                    .as(tasklane)
                    .containsExactlyInAnyOrder("kafka-1:9092", "kafka-2:9092", "kafka-3:9092");
            assertThat(environment.get("TASKLANE_TOPICS_REPLICATION_FACTOR"))
                    .as(tasklane)
                    .isEqualTo("${TASKLANE_TOPICS_REPLICATION_FACTOR:-3}");
            assertThat(environment.get("TASKLANE_TOPICS_MIN_INSYNC_REPLICAS"))
                    .as(tasklane)
                    .isEqualTo("${TASKLANE_TOPICS_MIN_INSYNC_REPLICAS:-2}");
        }
    }
}
