package dev.tasklane.cli.bench;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaTrafficTests {

    @Test
    void recordsAndBytesPerTaskAreTheGrowthOfEachTopicBetweenTwoSnapshots() {
        Map<String, KafkaTraffic.Totals> before = Map.of(
                "task.status", new KafkaTraffic.Totals(1000, 500_000),
                "task.requested.calculate_drive_times", new KafkaTraffic.Totals(500, 200_000),
                "task.requested.sync_quo", new KafkaTraffic.Totals(40, 10_000));
        Map<String, KafkaTraffic.Totals> after = Map.of(
                "task.status", new KafkaTraffic.Totals(5000, 2_500_000),
                "task.requested.calculate_drive_times", new KafkaTraffic.Totals(2500, 1_000_000),
                "task.requested.sync_quo", new KafkaTraffic.Totals(40, 10_000),
                "__consumer_offsets", new KafkaTraffic.Totals(300, 45_000));

        List<String> lines = KafkaTraffic.report(before, after, 2000, "task");

        assertThat(lines)
                .containsExactly(
                        "| topic | records per task | bytes per task | bytes per record |",
                        "|---|---:|---:|---:|",
                        "| __consumer_offsets | 0.15 | 23 | 150 |",
                        "| task.requested.calculate_drive_times | 1.00 | 400 | 400 |",
                        "| task.status | 2.00 | 1000 | 500 |",
                        "| **all topics** | 3.15 | 1423 | 452 |");
    }

    @Test
    void nothingWrittenLeavesOnlyTheTotalOfZero() {
        Map<String, KafkaTraffic.Totals> same = Map.of("task.status", new KafkaTraffic.Totals(10, 100));

        assertThat(KafkaTraffic.report(same, same, 10, "task")).last().isEqualTo("| **all topics** | 0.00 | 0 | 0 |");
    }
}
