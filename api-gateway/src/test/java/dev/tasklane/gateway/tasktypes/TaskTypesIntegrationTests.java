package dev.tasklane.gateway.tasktypes;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskType;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.gateway.GatewayIntegrationTest;
import dev.tasklane.gateway.system.TopicsProperties;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway derives what it knows of task types from the registry: the topics it declares and the browser's words. */
@GatewayIntegrationTest
class TaskTypesIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    TopicsProperties topics;

    @Test
    void everyRegisteredTypeIsServedInBusinessWordsWithoutAToken() {
        HttpJson.Response response = new HttpJson(port).get("/task-types", null);

        assertThat(response.status()).isEqualTo(200);
        JsonNode served = response.body().get("task_types");
        assertThat(served).hasSize(TaskTypes.ALL.size());
        for (int i = 0; i < TaskTypes.ALL.size(); i++) {
            TaskType type = TaskTypes.ALL.get(i);
            JsonNode entry = served.get(i);
            assertThat(entry.get("task_type").asString()).isEqualTo(type.name());
            assertThat(entry.get("label").asString()).isEqualTo(type.label());
            assertThat(entry.get("done").get(0).asString()).isEqualTo(type.doneOne());
            assertThat(entry.get("done").get(1).asString()).isEqualTo(type.doneMany());
            assertThat(entry.get("entity_types").valueStream().map(JsonNode::asString))
                    .containsExactlyElementsOf(type.entityTypes());
        }
        assertThat(response.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(value -> assertThat(value).contains("max-age"));
    }

    @Test
    void everyRegisteredTypeHasItsRequestTopicAndDeadLetterTopicDeclared() throws Exception {
        assertThat(topics.taskTypes()).containsExactlyElementsOf(TaskTypes.names());

        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (TaskType type : TaskTypes.ALL) {
                assertThat(existing).as(type.name()).contains(type.topic(), TaskTopics.deadLetter(type.topic()));
            }
        }
    }
}
