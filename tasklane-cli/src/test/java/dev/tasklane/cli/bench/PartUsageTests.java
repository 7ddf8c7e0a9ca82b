package dev.tasklane.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PartUsageTests {

    @Test
    void tasklanesOwnCpuIsEveryPartButTheBenchClientAndSimulators() {
        Map<String, Long> before = new LinkedHashMap<>();
        before.put("api-gateway", 1_000L);
        before.put("postgres", 5_000L);
        before.put(PartUsage.BENCH_PART, 7_000L);
        Map<String, Long> after = new LinkedHashMap<>();
        after.put("api-gateway", 3_000L);
        after.put("drive-time-worker", 4_000L);
        after.put("postgres", 11_000L);
        after.put("kafka", 2_000L);
        after.put(PartUsage.BENCH_PART, 10_000L);

        Map<String, Long> spent = PartUsage.spent(before, after);

        assertThat(spent)
                .containsExactly(
                        Map.entry("api-gateway", 2_000L),
                        Map.entry("drive-time-worker", 4_000L),
                        Map.entry("postgres", 6_000L),
                        Map.entry("kafka", 2_000L),
                        Map.entry(PartUsage.BENCH_PART, 3_000L));
        assertThat(PartUsage.tasklaneOwn(spent)).isEqualTo(14_000L);
    }

    @Test
    void cpuPerTaskIsListedInMilliseconds() {
        Map<String, Long> spent = new LinkedHashMap<>();
        spent.put("postgres", 23_000_000L);
        spent.put("kafka", 9_000_000L);

        assertThat(PartUsage.perTaskList(spent, 2)).isEqualTo("postgres 11.5 ms, kafka 4.5 ms");
    }
}
