package dev.tasklane.gateway.system;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The Kafka topics declared at start-up ({@code tasklane.topics.*}), the same keys in every service. */
@ConfigurationProperties("tasklane.topics")
public record TopicsProperties(
        @DefaultValue({"calculate_drive_times", "sync_quo"}) List<String> taskTypes,
        @DefaultValue("6") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("1") int minInsyncReplicas) {}
