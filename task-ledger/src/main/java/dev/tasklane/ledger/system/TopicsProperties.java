package dev.tasklane.ledger.system;

import java.util.List;

import dev.tasklane.events.TaskTypes;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Kafka topics the service declares at start-up ({@code tasklane.topics.*}), the same keys in every service.
 *
 * @param taskTypes         the task types whose request topics exist: by default every type in {@link TaskTypes}
 * @param partitions        partitions of each topic: the most consumers of one group that can share the work
 * @param replicationFactor copies of each partition: 1 on one broker, 3 on a cluster and in production
 * @param minInsyncReplicas copies that must hold a write before it is acknowledged: 1 on one broker, 2 on a cluster
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
