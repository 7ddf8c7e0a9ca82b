package dev.tasklane.drivetime.matrix;

import java.util.List;

/**
 * The answer to one origins × destinations question, however many requests it took: element [i][j] is the route from
 * origin i to destination j.
 */
public record Matrix(List<List<Route>> elements, int requests) {

    /** One origin/destination pair: OK with meters and seconds, or the status that says why there is no route. */
    public record Route(String status, Long meters, Long seconds) {

        public boolean ok() {
            return "OK".equals(status);
        }

        /** Why there is no route, for a person. */
        public String reason() {
            return switch (status) {
                case "NOT_FOUND" -> "Google could not find one of the two addresses (NOT_FOUND)";
                case "ZERO_RESULTS" -> "Google found no road route between the two addresses (ZERO_RESULTS)";
                case "MAX_ROUTE_LENGTH_EXCEEDED" ->
                    "the route is too long for Google to compute (MAX_ROUTE_LENGTH_EXCEEDED)";
                default -> "Google gave no route (" + status + ")";
            };
        }
    }
}
