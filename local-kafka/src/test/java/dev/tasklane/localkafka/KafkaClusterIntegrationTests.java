package dev.tasklane.localkafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class KafkaClusterIntegrationTests {

    private static final String TOPIC = "replicated";

    @Test
    void writesWithAcksAllSurviveABrokerKilledAndRejoiningThenTheActiveControllerKilled() throws Exception {
        try (KafkaCluster cluster = KafkaCluster.startNew(3);
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3)
                            .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            assertThat(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, "1")))
                            .all()
                            .get(10, TimeUnit.SECONDS)
                            .values()
                            .iterator()
                            .next()
                            .get("offsets.topic.replication.factor")
                            .value())
                    .as("__consumer_offsets is replicated on every node")
                    .isEqualTo("3");

            Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
            Queue<Exception> failures = new ConcurrentLinkedQueue<>();
            Queue<String> consumed = new ConcurrentLinkedQueue<>();
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicBoolean consuming = new AtomicBoolean(true);
            Thread producer = new Thread(() -> produce(cluster, producing, acknowledged, failures), "producer");
            Thread consumer = new Thread(() -> consume(cluster, consuming, consumed), "consumer");
            producer.start();
            consumer.start();
            awaitMoreAcknowledged(acknowledged, 100);

            int controller = cluster.activeController();
            int follower = controller % 3 + 1;
            cluster.node(follower).kill();
            awaitMoreAcknowledged(acknowledged, 200);
            cluster.node(follower).start();
            assertThat(cluster.awaitFullyReplicated(Duration.ofSeconds(90)))
                    .as("node %d back in every ISR", follower)
                    .isPresent();

            // two of three left: still a quorum of controllers, and still the two copies min.insync.replicas asks for
            cluster.node(controller).kill();
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.activeController() != controller);
            awaitMoreAcknowledged(acknowledged, 200);

            producing.set(false);
            producer.join(60_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> consumed.size() >= acknowledged.size());
            consuming.set(false);
            consumer.join(10_000);

            assertThat(failures).as("sends refused").isEmpty();
            assertThat(consumed)
                    .as("every acknowledged record read once, none lost, none twice")
                    .containsExactlyInAnyOrderElementsOf(acknowledged);
        }
    }

    private static void awaitMoreAcknowledged(Queue<String> acknowledged, int more) {
        int target = acknowledged.size() + more;
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= target);
    }

    private static void produce(
            KafkaCluster cluster, AtomicBoolean producing, Queue<String> acknowledged, Queue<Exception> failures) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; producing.get(); i++) {
                String value = "record-" + i;
                producer.send(new ProducerRecord<>(TOPIC, String.valueOf(i % 30), value), (metadata, error) -> {
                    if (error != null) {
                        failures.add(error);
                    } else {
                        acknowledged.add(value);
                    }
                });
                TimeUnit.MILLISECONDS.sleep(5); // pacing: about 200 records a second
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void consume(KafkaCluster cluster, AtomicBoolean consuming, Queue<String> consumed) {
        // no group: a group's consumer may read again what it had not committed, which is not what this test is about
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(
                    List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1), new TopicPartition(TOPIC, 2)));
            while (consuming.get()) {
                List<String> values = new ArrayList<>();
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
                consumed.addAll(values);
            }
        }
    }
}
