package dev.tasklane.gateway.streams;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a Server-Sent Events byte stream into whole events, so each can be passed on as it came to any number of
 * streams, and a stream that joins late starts on an event's first byte. Lines end with {@code \n}, {@code \r\n} or
 * {@code \r}; an empty line ends an event; a block of comments only (the ledger's heartbeats) is an event without a
 * name. Not thread-safe: one parser per upstream connection.
 */
final class SseParser {

    /** One event: its name ({@code null} for comments only), its id if it has one, and its bytes as received. */
    record Event(String name, String id, byte[] bytes) {

        boolean isReady() {
            return "ready".equals(name);
        }

        /** The event a stream gets when it joins an upstream that is already past its own {@code ready}. */
        static Event ready(String id) {
            String data = id == null ? "{}" : "{\"change_seq\":" + id + "}";
            String text = "event:ready\n" + (id == null ? "" : "id:" + id + "\n") + "data:" + data + "\n\n";
            return new Event("ready", id, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The longest event kept; anything longer is not the ledger's and is dropped. */
    private static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final ByteArrayOutputStream event = new ByteArrayOutputStream(1024);
    private String name;
    private String id;
    private boolean afterCarriageReturn;
    private boolean oversized;

    /** Feeds the next bytes and returns the events they completed, in order. */
    List<Event> feed(ByteBuffer bytes) {
        List<Event> complete = new ArrayList<>(1);
        while (bytes.hasRemaining()) {
            byte next = bytes.get();
            if (next == '\n' && afterCarriageReturn) {
                afterCarriageReturn = false;
                continue;
            }
            afterCarriageReturn = next == '\r';
            if (next == '\n' || next == '\r') {
                endLine(complete);
            } else if (line.size() < MAX_EVENT_BYTES) {
                line.write(next);
            } else {
                oversized = true;
            }
        }
        return complete;
    }

    private void endLine(List<Event> complete) {
        if (line.size() == 0) {
            if (event.size() > 0 && !oversized) {
                event.write('\n');
                complete.add(new Event(name, id, event.toByteArray()));
            }
            event.reset();
            name = null;
            id = null;
            oversized = false;
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.startsWith("event:")) {
            name = value(text, 6);
        } else if (text.startsWith("id:")) {
            id = value(text, 3);
        }
        if (event.size() + text.length() > MAX_EVENT_BYTES) {
            oversized = true;
            return;
        }
        event.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        event.write('\n');
    }

    /** A field's value: what follows the colon, without the one space that may follow it. */
    private static String value(String line, int from) {
        return line.startsWith(" ", from) ? line.substring(from + 1) : line.substring(from);
    }
}
