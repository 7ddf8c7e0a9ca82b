package dev.tasklane.ledger.archive;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

import com.sun.net.httpserver.HttpServer;
import dev.tasklane.ledger.LedgerIntegrationTest;
import dev.tasklane.ledger.projection.FailureInbox;
import dev.tasklane.ledger.system.LedgerProperties;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.TestTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

@LedgerIntegrationTest
class ArchiveJobIntegrationTests {

    @Autowired
    DataSource dataSource;

    @Autowired
    FailureInbox inbox;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ArchiveJob job;

    @Autowired
    LedgerProperties properties;

    @LocalServerPort
    int port;

    private List<UUID> finishedDaysAgo(int count, int days) {
        return jdbc.queryForList("""
                INSERT INTO background_tasks (entity_type, entity_id, entity_name, task_type, status, created_at, completed_at)
                SELECT 'client', gen_random_uuid(), 'Client ' || n, 'sync_quo', 'completed',
                       now() - make_interval(days => ? + 1), now() - make_interval(days => ?)
                FROM generate_series(1, ?) AS n RETURNING id""", UUID.class, days, days, count);
    }

    private long archived(List<UUID> ids) {
        return jdbc.queryForObject(
                "SELECT count(*) FROM background_tasks_archive WHERE id = ANY(?::uuid[])", Long.class, (Object)
                        ids.stream().map(UUID::toString).toArray(String[]::new));
    }

    /** Another ledger instance in the middle of its run: it holds the archive's advisory lock. */
    /**
     * Holds the archive's lock as another instance would, until closed. The connection comes from the pool, so closing
     * it would keep the session's lock (it would go back to the pool still locked, and make a later run of another test
     * answer "running on another instance"): it is unlocked first.
     */
    private AutoCloseable anotherInstanceRunning() throws Exception {
        Connection other = dataSource.getConnection();
        lock(other, "pg_advisory_lock");
        return () -> {
            try (other) {
                lock(other, "pg_advisory_unlock");
            }
        };
    }

    private static void lock(Connection connection, String function) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT " + function + "(?)")) {
            statement.setLong(1, ArchiveJob.LOCK_KEY);
            statement.execute();
        }
    }

    @Test
    void aRunMovesOldFinishedTasksAndPostsTheCountToSlack() throws Exception {
        List<String> posts = new CopyOnWriteArrayList<>();
        HttpServer slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slack.createContext("/services/T000/B000/XXXX", exchange -> {
            posts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        slack.start();
        try {
            URI webhook = URI.create("http://127.0.0.1:" + slack.getAddress().getPort() + "/services/T000/B000/XXXX");
            LedgerProperties withSlack = new LedgerProperties(
                    new LedgerProperties.Archive("0 0 3 * * *", "UTC", 100, webhook),
                    properties.stream(),
                    properties.retryableTaskTypes(),
                    properties.publishTimeout());
            ArchiveJob posting = new ArchiveJob(
                    dataSource,
                    withSlack,
                    new SlackNotifier(withSlack, RestClient.builder()),
                    new SimpleMeterRegistry(),
                    inbox,
                    transactions);
            List<UUID> old = finishedDaysAgo(250, 9);
            List<UUID> recent = finishedDaysAgo(3, 2);

            ArchiveJob.Outcome outcome = posting.run();

            assertThat(outcome.ran()).isTrue();
            assertThat(outcome.archived()).isGreaterThanOrEqualTo(250);
            assertThat(archived(old)).isEqualTo(250);
            assertThat(archived(recent)).isZero();
            assertThat(posts)
                    .singleElement()
                    .satisfies(post -> assertThat(post)
                            .contains("\"text\"")
                            .contains("Tasklane archived " + outcome.archived() + " background tasks"));
        } finally {
            slack.stop(0);
        }
    }

    @Test
    void whileAnotherInstanceRunsItThisOneSkipsAndTheAdminIsTold() throws Exception {
        List<UUID> old = finishedDaysAgo(5, 8);
        try (AutoCloseable other = anotherInstanceRunning()) {

            ArchiveJob.Outcome outcome = job.run();
            HttpJson.Response response =
                    new HttpJson(port).post("/admin/archive", TestTokens.admin(UUID.randomUUID()), null);

            assertThat(outcome.ran()).isFalse();
            assertThat(archived(old)).isZero();
            assertThat(response.status()).isEqualTo(409);
            assertThat(response.body().get("message").asString()).contains("running on another ledger instance");
        }
        assertThat(job.run().ran())
                .as("the lock is free again once the other run ends")
                .isTrue();
        assertThat(archived(old)).isEqualTo(5);
    }

    @Test
    void itsLastSuccessMovesWhenARunEndsNotWhenItIsSkipped() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ArchiveJob instance = new ArchiveJob(
                dataSource,
                properties,
                new SlackNotifier(properties, RestClient.builder()),
                meters,
                inbox,
                transactions);
        long started = lastSuccess(meters);
        assertThat(started)
                .as("its start, before any run")
                .isCloseTo(Instant.now().getEpochSecond(), within(5L));
        await().until(() -> Instant.now().getEpochSecond() > started);

        try (AutoCloseable other = anotherInstanceRunning()) {
            assertThat(instance.run().ran()).isFalse();
        }
        assertThat(lastSuccess(meters)).as("a skipped run is not a success").isEqualTo(started);

        assertThat(instance.run().ran()).isTrue();
        assertThat(lastSuccess(meters)).isGreaterThan(started);
    }

    private static long lastSuccess(SimpleMeterRegistry meters) {
        return (long) meters.get("tasklane.ledger.archive.last.success").gauge().value();
    }

    @Test
    void twoInstancesRunningAtOnceArchiveEachTaskOnce() throws Exception {
        List<UUID> old = finishedDaysAgo(5000, 10);
        ArchiveJob secondInstance = new ArchiveJob(
                dataSource,
                properties,
                new SlackNotifier(properties, RestClient.builder()),
                new SimpleMeterRegistry(),
                inbox,
                transactions);

        var first = java.util.concurrent.CompletableFuture.supplyAsync(job::run);
        var second = java.util.concurrent.CompletableFuture.supplyAsync(secondInstance::run);

        assertThat(first.get().ran() || second.get().ran()).isTrue();
        assertThat(archived(old)).isEqualTo(5000);
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM background_tasks WHERE id = ANY(?::uuid[])", Long.class, (Object)
                                old.stream().map(UUID::toString).toArray(String[]::new)))
                .isZero();
    }

    @Autowired
    org.springframework.kafka.core.KafkaTemplate<String, dev.tasklane.events.TaskEvent> kafka;

    @Test
    void aFailureArchivedStillInTheInboxLeavesItAndItsIncidentResolves() {
        dev.tasklane.ledger.LedgerFixture ledger = new dev.tasklane.ledger.LedgerFixture(kafka, jdbc);
        String cause = "ARCHIVE_" + UUID.randomUUID().toString().substring(0, 8);
        dev.tasklane.ledger.TaskEvents task = dev.tasklane.ledger.TaskEvents.aTask(UUID.randomUUID());
        java.time.Instant longAgo = java.time.Instant.now().minus(java.time.Duration.ofDays(10));
        ledger.publish(task.requested(longAgo), task.failedWith(longAgo.plusSeconds(1), "quo", cause));
        ledger.awaitRow(task.id(), "failed", 1);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> "open"
                        .equals(jdbc.queryForObject(
                                "SELECT max(state) FROM task_incidents WHERE error_code = ?", String.class, cause)));

        job.run();

        assertThat(jdbc.queryForObject("SELECT left_how FROM task_failures WHERE task_id = ?", String.class, task.id()))
                .isEqualTo("archived");
        assertThat(jdbc.queryForObject("SELECT state FROM task_incidents WHERE error_code = ?", String.class, cause))
                .isEqualTo("resolved");
    }

    @Test
    void anAdminRunsTheArchiveOnDemand() {
        List<UUID> old = finishedDaysAgo(4, 30);

        HttpJson.Response response =
                new HttpJson(port).post("/admin/archive", TestTokens.admin(UUID.randomUUID()), null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("archived").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(archived(old)).isEqualTo(4);
    }

    @Test
    void aSlackWebhookThatFailsNeverFailsTheRunNorShowsItsUrl() {
        LedgerProperties broken = new LedgerProperties(
                new LedgerProperties.Archive(
                        "0 0 3 * * *", "UTC", 100, URI.create("http://127.0.0.1:9/services/SECRET-PATH")),
                properties.stream(),
                properties.retryableTaskTypes(),
                properties.publishTimeout());
        ArchiveJob posting = new ArchiveJob(
                dataSource,
                broken,
                new SlackNotifier(broken, RestClient.builder()),
                new SimpleMeterRegistry(),
                inbox,
                transactions);

        assertThat(posting.run().ran()).isTrue();
    }
}
