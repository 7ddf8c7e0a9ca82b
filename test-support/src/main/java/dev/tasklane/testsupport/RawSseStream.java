package dev.tasklane.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A {@code /task-events} stream on a plain socket, for tests that need to leave the way a browser tab does: closed
 * (FIN) or reset (RST), without the HTTP client's connection handling in between.
 */
public final class RawSseStream implements AutoCloseable {

    private final Socket socket;

    /** Opens {@code /task-events} on {@code port} with {@code token} and reads up to its {@code ready} event. */
    public RawSseStream(int port, String token) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        socket.getOutputStream()
                .write(("GET /task-events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                                + "Authorization: Bearer " + token + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains("event:ready")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("The stream ended before its ready event: " + seen);
            }
            seen.append((char) next);
        }
    }

    /** Leaves with a reset, as a crashed browser or a dropped network does. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
