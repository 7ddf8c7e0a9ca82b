package dev.tasklane.cli.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tasklane.cli.CliException;
import dev.tasklane.cli.Http;
import tools.jackson.databind.JsonNode;

/**
 * Thousands of {@code /task-events} streams held by one thread of this JVM (a selector), as that many office PCs with
 * a dashboard open would hold them: each reads its stream, notes when its {@code ready} came and how long after the
 * worker recorded it the first failed task arrived. The requests are HTTP/1.0, so the answer is the stream itself,
 * without chunk headers to take apart.
 */
final class StreamCrowd implements AutoCloseable {

    private final class Connection {

        final SocketChannel channel;
        final ByteBuffer request;
        final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        String event;
        boolean headersDone;
        int status;
        volatile boolean ready;
        volatile long failureDelayMillis = -1;
        volatile boolean ended;

        Connection(SocketChannel channel, String token) {
            this.channel = channel;
            this.request =
                    ByteBuffer.wrap(("GET /task-events HTTP/1.0\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                                    + "Authorization: Bearer " + token + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
        }

        void read(ByteBuffer bytes) {
            while (bytes.hasRemaining()) {
                byte next = bytes.get();
                if (next != '\n') {
                    if (next != '\r') {
                        line.write(next);
                    }
                    continue;
                }
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                if (!headersDone) {
                    if (status == 0 && text.startsWith("HTTP/")) {
                        status = Integer.parseInt(text.split(" ")[1]);
                    }
                    headersDone = text.isEmpty();
                } else if (text.startsWith("event:")) {
                    event = text.substring(6).strip();
                } else if (text.isEmpty()) {
                    if ("ready".equals(event) && !ready) {
                        ready = true;
                        readyCount.incrementAndGet();
                    }
                    event = null;
                } else if (text.startsWith("data:")
                        && "task".equals(event)
                        && failureDelayMillis < 0
                        && text.contains("\"status\":\"failed\"")) {
                    JsonNode task = Http.JSON.readTree(text.substring(5));
                    if (!task.path("failed_at").isNull()) {
                        failureDelayMillis = Math.max(
                                0,
                                System.currentTimeMillis()
                                        - OffsetDateTime.parse(
                                                        task.path("failed_at").asString())
                                                .toInstant()
                                                .toEpochMilli());
                        failuresSeen.incrementAndGet();
                    }
                }
            }
        }
    }

    private final InetSocketAddress address;
    private final Selector selector;
    private final Thread loop;
    private final Queue<Connection> connecting = new ConcurrentLinkedQueue<>();
    private final List<Connection> connections = new ArrayList<>();
    private final AtomicInteger readyCount = new AtomicInteger();
    private final AtomicInteger failuresSeen = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean running = true;

    StreamCrowd(String host, int port) throws IOException {
        this.address = new InetSocketAddress(host, port);
        this.selector = Selector.open();
        this.loop = new Thread(this::run, "stream-crowd");
        loop.setDaemon(true);
        loop.start();
    }

    /** Opens one stream per token, at most {@code inFlight} waiting for their {@code ready} at a time. */
    void open(List<String> tokens, int inFlight, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String token : tokens) {
            while (connections.size() - readyCount.get() - refused.get() >= inFlight) {
                if (System.nanoTime() > deadline) {
                    throw new CliException("only " + readyCount.get() + " of " + tokens.size()
                            + " streams opened within " + timeout.toSeconds() + " s");
                }
                Thread.sleep(1);
            }
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Connection connection = new Connection(channel, token);
            connections.add(connection);
            connecting.add(connection);
            selector.wakeup();
        }
        while (readyCount.get() + refused.get() < tokens.size()) {
            if (System.nanoTime() > deadline) {
                throw new CliException("only " + readyCount.get() + " of " + tokens.size() + " streams opened within "
                        + timeout.toSeconds() + " s");
            }
            Thread.sleep(5);
        }
    }

    int ready() {
        return readyCount.get();
    }

    int refused() {
        return refused.get();
    }

    int failuresSeen() {
        return failuresSeen.get();
    }

    /** How long after its worker recorded it each stream got its first failure, in ms; -1 where none came. */
    long[] failureDelays() {
        return connections.stream()
                .mapToLong(connection -> connection.failureDelayMillis)
                .toArray();
    }

    /** Streams the gateway ended. */
    long ended() {
        return connections.stream().filter(connection -> connection.ended).count();
    }

    /** Leaves every stream at once with a reset, as a power cut in the office would. */
    void resetAll() {
        running = false;
        selector.wakeup();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            // a channel registered with a selector is really closed only when the selector lets go of it
            selector.close();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        for (Connection connection : connections) {
            try {
                connection.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                connection.channel.close();
            } catch (IOException alreadyClosed) {
                // nothing to reset
            }
        }
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (running) {
                for (Connection connection = connecting.poll(); connection != null; connection = connecting.poll()) {
                    try {
                        connection.channel.register(selector, SelectionKey.OP_CONNECT, connection);
                        connection.channel.connect(address);
                    } catch (IOException e) {
                        connection.ended = true;
                        refused.incrementAndGet();
                    }
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection connection = (Connection) key.attachment();
                    try {
                        if (key.isConnectable()) {
                            connection.channel.finishConnect();
                            connection.channel.write(connection.request);
                            key.interestOps(SelectionKey.OP_READ);
                        } else if (key.isReadable()) {
                            buffer.clear();
                            if (connection.channel.read(buffer) < 0) {
                                end(key, connection);
                                continue;
                            }
                            buffer.flip();
                            connection.read(buffer);
                            if (connection.status != 0 && connection.status != 200 && !connection.ended) {
                                end(key, connection);
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        end(key, connection);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void end(SelectionKey key, Connection connection) {
        key.cancel();
        if (!connection.ended) {
            connection.ended = true;
            if (!connection.ready) {
                refused.incrementAndGet();
            }
        }
        try {
            connection.channel.close();
        } catch (IOException ignored) {
            // closed either way
        }
    }

    @Override
    public void close() {
        if (selector.isOpen()) {
            resetAll();
        }
    }
}
