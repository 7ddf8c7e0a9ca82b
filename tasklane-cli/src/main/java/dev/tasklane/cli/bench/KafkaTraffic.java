package dev.tasklane.cli.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/**
 * What a benchmark run wrote to Kafka, per topic: records (end offsets) and bytes (log sizes on the broker), taken as
 * two snapshots and printed per task.
 */
final class KafkaTraffic {

    /** A topic's records ever written (sum of its partitions' end offsets) and the bytes its logs hold now. */
    record Totals(long records, long bytes) {}

    private KafkaTraffic() {}

    /** Every topic's totals, internal ones ({@code __consumer_offsets}: the consumers' commits) included. */
    static Map<String, Totals> snapshot(Admin admin) throws Exception {
        Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true))
                .names()
                .get(10, TimeUnit.SECONDS);
        Map<String, TopicDescription> topics =
                admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = topics.values().stream()
                .flatMap(topic -> topic.partitions().stream().map(p -> new TopicPartition(topic.name(), p.partition())))
                .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        Map<String, Long> records = new TreeMap<>();
        ends.forEach((partition, end) -> records.merge(partition.topic(), end.offset(), Long::sum));
        Collection<Node> brokers = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(
                        brokers.stream().map(Node::id).toList())
                .allDescriptions()
                .get(10, TimeUnit.SECONDS);
        Map<String, Long> bytes = new TreeMap<>();
        dirs.values()
                .forEach(broker -> broker.values()
                        .forEach(dir -> dir.replicaInfos()
                                .forEach((partition, replica) ->
                                        bytes.merge(partition.topic(), replica.size(), Long::sum))));
        Map<String, Totals> totals = new TreeMap<>();
        records.forEach((topic, count) -> totals.put(topic, new Totals(count, bytes.getOrDefault(topic, 0L))));
        return totals;
    }

    /** The topics written to between the snapshots, with records and bytes per {@code unit}, and their sum. */
    static List<String> report(Map<String, Totals> before, Map<String, Totals> after, int units, String unit) {
        double perUnit = Math.max(1, units);
        List<String> lines = new ArrayList<>();
        lines.add("| topic | records per " + unit + " | bytes per " + unit + " | bytes per record |");
        lines.add("|---|---:|---:|---:|");
        long allRecords = 0;
        long allBytes = 0;
        for (Map.Entry<String, Totals> topic : new TreeMap<>(after).entrySet()) {
            Totals was = before.getOrDefault(topic.getKey(), new Totals(0, 0));
            long records = topic.getValue().records() - was.records();
            long bytes = topic.getValue().bytes() - was.bytes();
            if (records <= 0) {
                continue;
            }
            allRecords += records;
            allBytes += bytes;
            lines.add(String.format(
                    Locale.ROOT,
                    "| %s | %.2f | %.0f | %.0f |",
                    topic.getKey(),
                    records / perUnit,
                    bytes / perUnit,
                    (double) bytes / records));
        }
        lines.add(String.format(
                Locale.ROOT,
                "| **all topics** | %.2f | %.0f | %.0f |",
                allRecords / perUnit,
                allBytes / perUnit,
                allRecords == 0 ? 0.0 : (double) allBytes / allRecords));
        return lines;
    }
}
