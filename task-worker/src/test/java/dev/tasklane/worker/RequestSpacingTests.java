package dev.tasklane.worker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestSpacingTests {

    /** A one-second window (plus 40 ms of network jitter) meets ceil(window / period) + 1 resilience4j cycles. */
    @ParameterizedTest
    @ValueSource(doubles = {2, 2.5, 3.33, 5, 10, 50})
    void noOneSecondWindowSeesMoreThanTheQuota(double quota) {
        long period = RequestSpacing.forQuota(quota).toNanos();
        long window = 1_040_000_000L;
        long cyclesMet = (window + period - 1) / period + 1;
        assertThat(cyclesMet).isLessThanOrEqualTo((long) Math.floor(quota));
    }

    @Test
    void theAverageRateStaysCloseToTheQuota() {
        assertThat(1e9 / RequestSpacing.forQuota(10).toNanos()).isBetween(8.5, 10.0);
        assertThat(1e9 / RequestSpacing.forQuota(50).toNanos()).isBetween(46.0, 50.0);
    }

    @Test
    void aQuotaBelowTwoCannotBeHonoured() {
        assertThatThrownBy(() -> RequestSpacing.forQuota(1.5)).hasMessageContaining("1.5");
    }
}
