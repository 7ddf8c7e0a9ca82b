package dev.tasklane.localkafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaBrokerProcessIntegrationTests {

    @Test
    void aKilledBrokerComesBackOnTheSamePortWithItsRecords() throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.startNew()) {
            Map<String, Object> producerConfig = Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG,
                    2000,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                    3000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    1000);
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("survivors", "k", "before")).get();

                broker.kill();
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("survivors", "k", "while down"))
                                .get())
                        .hasMessageContaining("Timeout");

                broker.start();
                producer.send(new ProducerRecord<>("survivors", "k", "after")).get();
            }
            Map<String, Object> consumerConfig = Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG,
                    "reader",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest");
            try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("survivors"));
                List<String> values = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (values.size() < 2 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500)).forEach(record -> values.add(record.value()));
                }
                assertThat(values).containsExactly("before", "after");
            }
        }
    }
}
