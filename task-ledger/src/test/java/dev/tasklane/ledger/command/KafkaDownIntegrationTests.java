package dev.tasklane.ledger.command;

import java.util.UUID;

import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.TasklaneInfrastructure;
import dev.tasklane.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/** When Kafka does not acknowledge a dismissal or a retry, the answer is 503 and nothing changed. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tasklane.security.jwt.secret=" + TestTokens.SECRET,
            "spring.kafka.consumer.group-id=task-ledger-kafka-down",
            "spring.kafka.producer.bootstrap-servers=127.0.0.1:9",
            "spring.kafka.producer.properties.max.block.ms=1500",
            "tasklane.ledger.publish-timeout=2s",
            "tasklane.ledger.projection.auto-startup=false"
        })
@ContextConfiguration(initializers = TasklaneInfrastructure.class)
class KafkaDownIntegrationTests {

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    @Test
    void dismissAndRetryAnswer503AndChangeNothing() {
        UUID owner = UUID.randomUUID();
        UUID id = jdbc.queryForObject(
                "SELECT create_background_task('client', gen_random_uuid(), 'A', 'sync_quo', ?)", UUID.class, owner);
        jdbc.queryForList("SELECT fail_background_task(?, 'Quo was down: retrying.')", id);
        HttpJson client = new HttpJson(port);
        String body = "{\"task_id\": \"" + id + "\"}";

        HttpJson.Response dismiss = client.post("/dismiss-task", TestTokens.user(owner), body);
        HttpJson.Response retry = client.post("/retry-task", TestTokens.user(owner), body);

        assertThat(dismiss.status()).isEqualTo(503);
        assertThat(dismiss.body().get("message").asString()).contains("nothing was changed");
        assertThat(retry.status()).isEqualTo(503);
        assertThat(jdbc.queryForMap("SELECT status, attempt, dismissed_at FROM background_tasks WHERE id = ?", id))
                .containsEntry("status", "failed")
                .containsEntry("attempt", 1)
                .containsEntry("dismissed_at", null);
    }
}
