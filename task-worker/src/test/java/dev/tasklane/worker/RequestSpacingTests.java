package dev.tasklane.worker;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestSpacingTests {

    /** floor(quota) + 1 calls, one period apart, span a second and the slack: one call too many never fits. */
    @ParameterizedTest
    @ValueSource(doubles = {2, 2.5, 3.33, 5, 10, 50, 1000})
    void oneCallMoreThanTheQuotaNeverFitsInOneSecond(double quota) {
        Duration span = RequestSpacing.forQuota(quota).multipliedBy((long) Math.floor(quota));
        assertThat(span).isGreaterThanOrEqualTo(Duration.ofSeconds(1).plus(RequestSpacing.SLACK));
        assertThat(span)
                .isLessThan(Duration.ofSeconds(1).plus(RequestSpacing.SLACK).plusMillis(1));
    }

    @Test
    void theAverageRateStaysCloseToTheQuota() {
        assertThat(1e9 / RequestSpacing.forQuota(10).toNanos()).isBetween(7.5, 10.0);
        assertThat(1e9 / RequestSpacing.forQuota(50).toNanos()).isBetween(38.0, 50.0);
    }

    @Test
    void aQuotaBelowTwoCannotBeHonoured() {
        assertThatThrownBy(() -> RequestSpacing.forQuota(1.5)).hasMessageContaining("1.5");
    }
}
