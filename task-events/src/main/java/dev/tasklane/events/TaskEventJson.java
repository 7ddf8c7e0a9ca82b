package dev.tasklane.events;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapping of task events: snake_case fields, RFC 3339 UTC timestamps, unknown fields ignored (events
 * evolve by adding fields), a missing required field rejected with its name.
 */
public final class TaskEventJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private TaskEventJson() {}

    /** The shared, immutable mapper. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    public static String write(TaskEvent event) {
        return MAPPER.writeValueAsString(event);
    }

    public static TaskEvent read(String json) {
        return MAPPER.readValue(json, TaskEvent.class);
    }

    public static TaskEvent read(byte[] json) {
        return MAPPER.readValue(json, TaskEvent.class);
    }
}
