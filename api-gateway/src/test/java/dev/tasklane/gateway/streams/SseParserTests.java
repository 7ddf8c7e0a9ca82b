package dev.tasklane.gateway.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTests {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "LF line ends       | event:task\\nid:7\\ndata:{}\\n\\n",
                "CRLF line ends     | event:task\\r\\nid:7\\r\\ndata:{}\\r\\n\\r\\n",
                "CR line ends       | event:task\\rid:7\\rdata:{}\\r\\r",
                "space after colons | event: task\\nid: 7\\ndata: {}\\n\\n"
            })
    void anEventIsCutWhereItEndsWhateverTheLineEnds(String label, String text) {
        List<SseParser.Event> events = feed(text.replace("\\r", "\r").replace("\\n", "\n"), 1);

        assertThat(events).hasSize(1);
        assertThat(events.get(0).name()).isEqualTo("task");
        assertThat(events.get(0).id()).isEqualTo("7");
        assertThat(new String(events.get(0).bytes(), StandardCharsets.UTF_8))
                .endsWith("\n\n")
                .contains("data:");
    }

    @Test
    void eventsSplitAcrossReadsComeOutWholeAndInOrder() {
        String text =
                ":heartbeat\n\nevent:ready\nid:3\ndata:{\"change_seq\":3}\n\nevent:task\nid:4\ndata:{\"name\":\"Zoë ✓\"}\n\n";

        for (int chunk = 1; chunk <= text.length(); chunk += 7) {
            List<SseParser.Event> events = feed(text, chunk);

            assertThat(events).extracting(SseParser.Event::name).containsExactly(null, "ready", "task");
            assertThat(events.get(1).isReady()).isTrue();
            assertThat(new String(events.get(2).bytes(), StandardCharsets.UTF_8))
                    .isEqualTo("event:task\nid:4\ndata:{\"name\":\"Zoë ✓\"}\n\n");
        }
    }

    @Test
    void aJoinersReadyNamesTheLastPosition() {
        SseParser.Event ready = SseParser.Event.ready("42");

        List<SseParser.Event> reparsed = feed(new String(ready.bytes(), StandardCharsets.UTF_8), 1000);

        assertThat(reparsed).singleElement().satisfies(event -> {
            assertThat(event.isReady()).isTrue();
            assertThat(event.id()).isEqualTo("42");
        });
    }

    /** Feeds {@code text} {@code chunk} bytes at a time, as the network might deliver it. */
    private static List<SseParser.Event> feed(String text, int chunk) {
        SseParser parser = new SseParser();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<SseParser.Event> events = new ArrayList<>();
        for (int from = 0; from < bytes.length; from += chunk) {
            events.addAll(parser.feed(ByteBuffer.wrap(bytes, from, Math.min(chunk, bytes.length - from))));
        }
        return events;
    }
}
