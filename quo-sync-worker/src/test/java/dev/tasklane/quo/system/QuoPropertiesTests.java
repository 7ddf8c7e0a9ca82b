package dev.tasklane.quo.system;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuoPropertiesTests {

    private static QuoProperties withQuota(double quota) {
        return new QuoProperties(
                "secret-key-123",
                URI.create("http://localhost"),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                quota,
                "tasklane",
                new QuoProperties.CustomFieldKeys("a", "b", "c"));
    }

    @Test
    void aQuotaOutsideWhatOneKeyAllowsIsRefusedWithTheVariableToChange() {
        assertThatThrownBy(() -> withQuota(1.5))
                .hasMessageContaining("TASKLANE_QUO_QUOTA_PER_SECOND")
                .hasMessageContaining("at least 2")
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> withQuota(11)).hasMessageContaining("at most 10");
    }

    @Test
    void theKeyIsNeverPrinted() {
        QuoProperties properties = withQuota(10);
        assertThat(properties.toString()).doesNotContain("secret-key-123");
        assertThat(properties.redact("Authorization: secret-key-123")).isEqualTo("Authorization: <QUO_API_KEY>");
    }
}
