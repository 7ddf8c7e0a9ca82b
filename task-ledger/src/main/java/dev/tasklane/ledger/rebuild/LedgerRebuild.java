package dev.tasklane.ledger.rebuild;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskEventDeserializer;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.ledger.projection.FailureInbox;
import dev.tasklane.ledger.projection.ProjectionBatch;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rebuilds {@code background_tasks} (with the failure history and the incidents derived from it) from the topics:
 * empties the tables, then replays every request topic and
 * {@code task.status} from the beginning up to where they end now, through the same projection as the live ledger.
 * Dismissals come back because they are events too; tasks already archived stay in the archive. Records that break
 * the contract are skipped (the live ledger sent them to the dead-letter topics). It reads with its own assignment,
 * not a consumer group, so the live ledger's offsets are untouched and it may keep running.
 */
@Component
public class LedgerRebuild {

    private static final Log LOG = LogFactory.getLog(LedgerRebuild.class);

    private final JdbcTemplate jdbc;
    private final ProjectionBatch batch;
    private final KafkaProperties kafka;
    private final FailureInbox inbox;
    private final TransactionTemplate transactions;

    LedgerRebuild(
            JdbcTemplate jdbc,
            ProjectionBatch batch,
            KafkaProperties kafka,
            FailureInbox inbox,
            TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.kafka = kafka;
        this.inbox = inbox;
        this.transactions = transactions;
    }

    /** What a rebuild did. */
    public record Result(long events, long skipped, long tasks, List<String> topics) {}

    public Result rebuild() {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        try (KafkaConsumer<String, TaskEvent> consumer = new KafkaConsumer<>(
                config, new StringDeserializer(), new ErrorHandlingDeserializer<>(new TaskEventDeserializer()))) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> topics = new ArrayList<>();
            for (Map.Entry<String, List<PartitionInfo>> topic :
                    consumer.listTopics(Duration.ofSeconds(30)).entrySet()) {
                if (TaskTopics.REQUESTED_PATTERN.matcher(topic.getKey()).matches()
                        || topic.getKey().equals(TaskTopics.STATUS)) {
                    topics.add(topic.getKey());
                    topic.getValue()
                            .forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);

            // the failure history and the incidents are derived from the same events
            jdbc.execute("TRUNCATE background_tasks, task_failures, task_incidents");
            LOG.info("Rebuilding background_tasks from " + topics + " ("
                    + ends.values().stream().mapToLong(Long::longValue).sum() + " records at most)");
            long events = 0;
            long skipped = 0;
            while (!caughtUp(consumer, ends)) {
                ConsumerRecords<String, TaskEvent> polled = consumer.poll(Duration.ofSeconds(1));
                List<ConsumerRecord<String, TaskEvent>> records = new ArrayList<>();
                polled.forEach(record -> {
                    Long end = ends.get(new TopicPartition(record.topic(), record.partition()));
                    if (end != null && record.offset() < end) {
                        records.add(record);
                    }
                });
                events += records.size();
                skipped += projectSkippingPoison(records);
            }
            // a failure and its superseding run may have been replayed in one batch each way round
            transactions.executeWithoutResult(status -> inbox.sweep());
            Long tasks = jdbc.queryForObject("SELECT count(*) FROM background_tasks", Long.class);
            LOG.info("Rebuilt background_tasks: " + tasks + " tasks from " + events + " events, " + skipped
                    + " skipped");
            return new Result(events, skipped, tasks == null ? 0 : tasks, topics);
        }
    }

    private long projectSkippingPoison(List<ConsumerRecord<String, TaskEvent>> records) {
        long skipped = 0;
        List<ConsumerRecord<String, TaskEvent>> pending = records;
        while (!pending.isEmpty()) {
            try {
                batch.project(pending);
                return skipped;
            } catch (BatchListenerFailedException poison) {
                LOG.warn("Skipped a record the contract rejects: " + poison.getMessage());
                skipped++;
                pending = pending.subList(poison.getIndex() + 1, pending.size());
            }
        }
        return skipped;
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
