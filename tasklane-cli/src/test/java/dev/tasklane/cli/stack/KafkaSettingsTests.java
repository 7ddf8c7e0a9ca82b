package dev.tasklane.cli.stack;

import java.nio.file.Path;
import java.util.Map;

import dev.tasklane.cli.CliException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which Kafka brokers the local stack runs and what its services are told: every broker's address. */
class KafkaSettingsTests {

    @TempDir
    Path home;

    @Test
    void oneBrokerByDefault() {
        Settings settings = new Settings(Map.of("TASKLANE_HOME", home.toString()));

        assertThat(settings.kafkaBrokers()).isEqualTo(1);
        assertThat(settings.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(settings.kafkaPorts()).containsExactly(Settings.KAFKA, Settings.KAFKA_CONTROLLER);
    }

    @Test
    void threeBrokersGiveEveryServiceEveryBrokersAddress() {
        Settings settings = new Settings(Map.of(
                "TASKLANE_HOME", home.toString(), Settings.KAFKA_BROKERS, "3", "TASKLANE_KAFKA_3_PORT", "19096"));

        assertThat(settings.kafkaBootstrap()).isEqualTo("127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:19096");
        assertThat(settings.kafkaPorts()).hasSize(6);
    }

    @Test
    void theBootstrapRecordedByAStackOfOneIsNotReusedByAStackOfThree() {
        new Settings(Map.of("TASKLANE_HOME", home.toString()))
                .record(Map.of("TASKLANE_KAFKA_BOOTSTRAP", "127.0.0.1:9092", Settings.KAFKA_BROKERS, "1"));

        Settings three = new Settings(Map.of("TASKLANE_HOME", home.toString(), Settings.KAFKA_BROKERS, "3"));

        assertThat(three.kafkaBootstrap()).isEqualTo("127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096");
    }

    @Test
    void aNumberOfBrokersOtherThanOneOrThreeIsRefusedNamingTheVariable() {
        Settings settings = new Settings(Map.of("TASKLANE_HOME", home.toString(), Settings.KAFKA_BROKERS, "2"));

        assertThatThrownBy(settings::kafkaBrokers)
                .isInstanceOf(CliException.class)
                .hasMessageContaining("TASKLANE_KAFKA_BROKERS")
                .hasMessageContaining("takes 1 or 3");
    }
}
