package dev.tasklane.gateway.system;

import java.util.List;

import dev.tasklane.events.TaskTypes;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Kafka topics declared at start-up ({@code tasklane.topics.*}), the same keys in every service.
 *
 * @param taskTypes the task types whose request topics exist: by default every type in {@link TaskTypes}
 */
@ConfigurationProperties("tasklane.topics")
public record TopicsProperties(
        List<String> taskTypes,
        @DefaultValue("6") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("1") int minInsyncReplicas) {

    public TopicsProperties {
        taskTypes = taskTypes == null ? TaskTypes.names() : List.copyOf(taskTypes);
    }
}
