package dev.tasklane.worker;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a worker declares its topics at start-up ({@code tasklane.topics.*}), the same keys as in the gateway and the
 * ledger; which topics comes from the task types of its handlers.
 *
 * @param partitions        partitions of each topic: the most consumers of one group that can share the work
 * @param replicationFactor copies of each partition: 1 on one broker, 3 on a cluster and in production
 * @param minInsyncReplicas copies that must hold a write before it is acknowledged: 1 on one broker, 2 on a cluster
 */
@ConfigurationProperties("tasklane.topics")
public record TopicsProperties(
        @DefaultValue("6") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("1") int minInsyncReplicas) {}
