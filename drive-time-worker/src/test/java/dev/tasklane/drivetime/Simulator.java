package dev.tasklane.drivetime;

import dev.tasklane.testsupport.HttpJson;
import tools.jackson.databind.JsonNode;

import static dev.tasklane.drivetime.DistanceMatrixSimulatorHolder.SIMULATOR;

/** The control API of the shared Distance Matrix simulator, over HTTP like any other client of it. */
public final class Simulator {

    private static final HttpJson CONTROL = new HttpJson(SIMULATOR.port());

    private Simulator() {}

    public static void mode(String json) {
        CONTROL.post("/_sim/mode", null, json);
    }

    public static void replay(String json) {
        CONTROL.post("/_sim/replay", null, json);
    }

    public static JsonNode stats() {
        return CONTROL.get("/_sim/stats", null).body();
    }
}
