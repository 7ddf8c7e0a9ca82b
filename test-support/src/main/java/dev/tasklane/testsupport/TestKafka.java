package dev.tasklane.testsupport;

import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real Kafka broker (Spring Kafka's embedded KRaft broker, the one behind {@code @EmbeddedKafka}), started once per
 * test JVM on a random port. Tests use their own topic names or consumer groups to stay apart.
 */
public final class TestKafka {

    public static final int PARTITIONS = 6;

    private static EmbeddedKafkaKraftBroker broker;

    private TestKafka() {}

    public static synchronized EmbeddedKafkaBroker broker() {
        if (broker == null) {
            EmbeddedKafkaKraftBroker started = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
            started.brokerProperty("num.partitions", PARTITIONS);
            started.brokerProperty("group.initial.rebalance.delay.ms", 0);
            started.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroy, "test-kafka-shutdown"));
            broker = started;
        }
        return broker;
    }

    /** The {@code bootstrap.servers} of the broker. */
    public static String bootstrapServers() {
        return broker().getBrokersAsString();
    }
}
