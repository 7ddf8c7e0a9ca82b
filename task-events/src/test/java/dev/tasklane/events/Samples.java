package dev.tasklane.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import tools.jackson.databind.node.ObjectNode;

/** The checked-in sample JSON of each event, under {@code src/test/resources/samples/}. */
final class Samples {

    private Samples() {}

    static String json(String eventType) {
        try (InputStream in = Samples.class.getResourceAsStream("/samples/" + eventType + ".json")) {
            if (in == null) {
                throw new IllegalStateException("No sample for " + eventType);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode tree(String eventType) {
        return (ObjectNode) TaskEventJson.mapper().readTree(json(eventType));
    }
}
