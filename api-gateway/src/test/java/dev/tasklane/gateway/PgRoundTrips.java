package dev.tasklane.gateway;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder to PostgreSQL that counts the round trips its clients make: the points where a client waits for the
 * server. In PostgreSQL's protocol those are each {@code Sync} (the end of a pipeline of extended-protocol messages:
 * PgJDBC sends a statement, a pipelined {@code COMMIT} and one {@code Sync} in one write) and each simple
 * {@code Query} — except the {@code BEGIN} PgJDBC sends ahead of a transaction's first statement without waiting for
 * its answer. Counting those messages rather than the turns seen on the wire keeps the count exact when a pipeline
 * reaches the forwarder in pieces on a busy machine. Only one client at a time should be using it while counting.
 */
final class PgRoundTrips implements AutoCloseable {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final AtomicLong roundTrips = new AtomicLong();
    private final java.util.Queue<String> recent = new java.util.concurrent.ConcurrentLinkedQueue<>();

    PgRoundTrips(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The last messages that start or end an exchange, for a failure message. */
    String recent() {
        return String.join("\n", recent);
    }

    long count() {
        return roundTrips.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(targetHost, targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                daemon(() -> frontend(client, server));
                daemon(() -> copy(server, client));
            } catch (IOException e) {
                // closed
            }
        }
    }

    /** Forwards the client's messages one by one, counting Sync and Query. */
    private void frontend(Socket client, Socket server) {
        try (DataInputStream in = new DataInputStream(client.getInputStream());
                OutputStream out = new java.io.BufferedOutputStream(server.getOutputStream(), 65536)) {
            int code;
            do {
                int length = in.readInt();
                byte[] rest = new byte[length - 4];
                in.readFully(rest);
                code = length >= 8
                        ? ((rest[0] & 0xff) << 24)
                                | ((rest[1] & 0xff) << 16)
                                | ((rest[2] & 0xff) << 8)
                                | (rest[3] & 0xff)
                        : 0;
                out.write(
                        new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length
                        });
                out.write(rest);
                out.flush();
            } while (code == SSL_REQUEST || code == GSS_REQUEST);
            while (true) {
                int type = in.read();
                if (type < 0) {
                    return;
                }
                int length = in.readInt();
                byte[] rest = new byte[length - 4];
                in.readFully(rest);
                if (type == 'S' || type == 'Q' || type == 'P') {
                    String text = new String(rest, java.nio.charset.StandardCharsets.UTF_8)
                            .replaceAll("[\\x00-\\x1f]", " ")
                            .strip();
                    recent.add((char) type + " " + text);
                    if (type == 'S' || type == 'Q' && !text.equals("BEGIN")) {
                        roundTrips.incrementAndGet();
                        recent.add("--- waits for the server");
                    }
                    while (recent.size() > 20) {
                        recent.poll();
                    }
                }
                out.write(type);
                out.write(
                        new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length
                        });
                out.write(rest);
                if (in.available() == 0) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            close(client);
            close(server);
        }
    }

    private void copy(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            close(from);
            close(to);
        }
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "pg-round-trips");
        thread.setDaemon(true);
        thread.start();
    }

    private static void close(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        close(listener);
    }
}
