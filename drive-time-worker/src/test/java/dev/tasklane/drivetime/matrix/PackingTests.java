package dev.tasklane.drivetime.matrix;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class PackingTests {

    @ParameterizedTest(name = "{0} origins x {1} destinations -> {2} requests")
    @CsvSource({
        "1, 1, 1",
        "10, 1, 1",
        "25, 1, 1",
        "26, 1, 2",
        "60, 1, 3",
        "200, 1, 8",
        "1, 30, 2",
        "1, 200, 8",
        "10, 10, 1",
        "25, 25, 7",
        "4, 25, 1",
        "5, 25, 2"
    })
    void requestsStayWithinTheLimitsAndAreAsFewAsTheLimitsAllow(int origins, int destinations, int requests) {
        List<Packing.Block> blocks = Packing.blocks(origins, destinations);

        assertThat(blocks).hasSize(requests);
        assertThat(blocks).allSatisfy(block -> {
            int width = block.originTo() - block.originFrom();
            int height = block.destinationTo() - block.destinationFrom();
            assertThat(width).isBetween(1, 25);
            assertThat(height).isBetween(1, 25);
            assertThat(width * height).isLessThanOrEqualTo(100);
        });
        assertThat(blocks.stream()
                        .mapToInt(block -> (block.originTo() - block.originFrom())
                                * (block.destinationTo() - block.destinationFrom()))
                        .sum())
                .as("every pair exactly once")
                .isEqualTo(origins * destinations);
    }
}
