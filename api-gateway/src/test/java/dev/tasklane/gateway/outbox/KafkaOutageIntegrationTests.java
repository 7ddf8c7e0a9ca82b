package dev.tasklane.gateway.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskEventDeserializer;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.gateway.GatewayRequests;
import dev.tasklane.localkafka.KafkaBrokerProcess;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.TasklaneInfrastructure;
import dev.tasklane.testsupport.TestTokens;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import static dev.tasklane.gateway.GatewayRequests.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka stopped while clients are added: every request is answered, every task waits in the outbox, and when Kafka
 * returns every task is published, once. The broker is a real one in its own process, killed and restarted.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tasklane.security.jwt.secret=" + TestTokens.SECRET,
            TasklaneInfrastructure.OWN_KAFKA + "=true",
            "tasklane.gateway.outbox.stuck-after=2s",
            "tasklane.gateway.outbox.max-backoff=2s",
            "logging.level.org.apache.kafka=ERROR"
        })
@ContextConfiguration(initializers = TasklaneInfrastructure.class)
class KafkaOutageIntegrationTests {

    private static final int REQUESTS = 500;
    private static final KafkaBrokerProcess BROKER = KafkaBrokerProcess.startNew();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", BROKER::bootstrapServers);
    }

    @AfterAll
    static void stopBroker() {
        BROKER.close();
    }

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    @Test
    void withKafkaDownEveryRequestIsAnsweredAndEveryTaskIsPublishedOnceWhenItReturns() throws Exception {
        BROKER.kill();
        Set<String> taskIds = ConcurrentHashMap.newKeySet();
        ExecutorService browsers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                int n = i;
                answers.add(browsers.submit(() -> {
                    HttpJson.Response response = new GatewayRequests(port, UUID.randomUUID())
                            .post("/add-client", body("name", "Outage Client " + n, "address", n + " Outage St"));
                    JsonNode ids = response.body().get("task_ids");
                    ids.propertyNames()
                            .forEach(type -> taskIds.add(ids.get(type).asString()));
                    return response.status();
                }));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(200);
            }
        } finally {
            browsers.shutdown();
        }
        assertThat(taskIds).hasSize(2 * REQUESTS);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox", Long.class))
                .isEqualTo(2L * REQUESTS);
        JsonNode health = await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> new HttpJson(port).get("/actuator/health", null).body(),
                        body -> "STUCK"
                                .equals(body.get("components")
                                        .get("outbox")
                                        .get("status")
                                        .asString()));
        assertThat(health.get("status").asString()).isEqualTo("STUCK");
        assertThat(health.get("components")
                        .get("outbox")
                        .get("details")
                        .get("backlog")
                        .asLong())
                .isEqualTo(2L * REQUESTS);

        BROKER.start();

        await().atMost(Duration.ofSeconds(90))
                .until(() -> jdbc.queryForObject("SELECT count(*) FROM outbox", Long.class) == 0);
        Map<String, Integer> publications = publicationsByTask();
        assertThat(publications.keySet()).containsExactlyInAnyOrderElementsOf(taskIds);
        assertThat(publications.values()).allSatisfy(count -> assertThat(count).isEqualTo(1));
        assertThat(new HttpJson(port)
                        .get("/actuator/health", null)
                        .body()
                        .get("status")
                        .asString())
                .isEqualTo("UP");
    }

    private static Map<String, Integer> publicationsByTask() {
        Map<String, Integer> counts = new HashMap<>();
        try (KafkaConsumer<String, TaskEvent> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        BROKER.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "outage-reader",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new TaskEventDeserializer())) {
            consumer.subscribe(
                    List.of(TaskTopics.requested("calculate_drive_times"), TaskTopics.requested("sync_quo")));
            Instant deadline = Instant.now().plusSeconds(15);
            while (Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> counts.merge(record.key(), 1, Integer::sum));
            }
        }
        return counts;
    }
}
