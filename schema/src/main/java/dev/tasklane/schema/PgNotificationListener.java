package dev.tasklane.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens to one of the schema's {@code pg_notify} channels on a connection of its own, on a daemon thread, and hands
 * each batch of payloads to a consumer. When the connection drops it reconnects with backoff (1 s doubling to 30 s)
 * and calls {@code onConnected} again, so the caller can catch up on what it may have missed.
 */
public final class PgNotificationListener {

    /** Opens a new connection to the database. */
    @FunctionalInterface
    public interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(PgNotificationListener.class.getName());

    private final String channel;
    private final ConnectionFactory connections;
    private final Consumer<List<String>> onNotifications;
    private final Runnable onConnected;
    private volatile boolean running;
    private Thread thread;

    public PgNotificationListener(
            String channel,
            ConnectionFactory connections,
            Consumer<List<String>> onNotifications,
            Runnable onConnected) {
        if (!channel.matches("[a-z_]+")) {
            throw new IllegalArgumentException("Not a channel name: " + channel);
        }
        this.channel = channel;
        this.connections = connections;
        this.onNotifications = onNotifications;
        this.onConnected = onConnected;
    }

    public synchronized void start() {
        running = true;
        thread = new Thread(this::listen, channel + "-listener");
        thread.setDaemon(true);
        thread.start();
    }

    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    public boolean isRunning() {
        return running;
    }

    private void listen() {
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            try (Connection connection = connections.open()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + channel);
                }
                onConnected.run();
                backoff = Duration.ofSeconds(1);
                PGConnection notifications = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] batch = notifications.getNotifications(1000);
                    if (batch != null && batch.length > 0) {
                        List<String> payloads = new ArrayList<>(batch.length);
                        for (PGNotification notification : batch) {
                            payloads.add(notification.getParameter());
                        }
                        onNotifications.accept(payloads);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Lost the database notifications on channel " + channel + " (" + e.getMessage()
                                + "); reconnecting in " + backoff.toSeconds() + " s");
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }
}
