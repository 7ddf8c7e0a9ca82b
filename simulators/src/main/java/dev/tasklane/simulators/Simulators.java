package dev.tasklane.simulators;

import java.util.ArrayList;
import java.util.List;

import dev.tasklane.simulators.distancematrix.DistanceMatrixSimulator;
import dev.tasklane.simulators.quo.QuoSimulator;

/**
 * Runs the API simulators for a local stack: {@code java -jar simulators-exec.jar}. Ports come from
 * {@code TASKLANE_DISTANCE_MATRIX_SIM_PORT} (default 8091) and {@code TASKLANE_QUO_SIM_PORT} (default 8092);
 * {@code TASKLANE_DISTANCE_MATRIX_SIM_QUOTA_PER_SECOND} gives the Distance Matrix simulator a quota per key (default
 * none; Quo's 10 per key is always enforced). Ctrl-C stops them.
 */
public final class Simulators {

    private Simulators() {}

    public static void main(String[] args) throws InterruptedException {
        List<SimulatorServer> running = new ArrayList<>();
        try {
            DistanceMatrixSimulator distanceMatrix = new DistanceMatrixSimulator(
                    port("TASKLANE_DISTANCE_MATRIX_SIM_PORT", 8091),
                    quota("TASKLANE_DISTANCE_MATRIX_SIM_QUOTA_PER_SECOND"));
            running.add(distanceMatrix);
            System.out.println("Distance Matrix simulator: " + distanceMatrix.baseUrl() + DistanceMatrixSimulator.PATH
                    + " (control: " + distanceMatrix.baseUrl() + "/_sim/stats)");
            String quoKey = System.getenv().getOrDefault("TASKLANE_QUO_SIM_KEY", QuoSimulator.DEFAULT_KEY);
            QuoSimulator quo = new QuoSimulator(port("TASKLANE_QUO_SIM_PORT", 8092), quoKey);
            running.add(quo);
            System.out.println("Quo simulator: " + quo.baseUrl() + "/v1/contacts (control: " + quo.baseUrl()
                    + "/_sim/stats, contacts: " + quo.baseUrl() + "/_sim/contacts)");
        } catch (IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            running.forEach(SimulatorServer::close);
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(SimulatorServer::close)));
        Thread.currentThread().join();
    }

    /** Requests per second per key the simulator serves; 0 (the default) for no quota. */
    private static int quota(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int quota = Integer.parseInt(value.strip());
            if (quota >= 0) {
                return quota;
            }
        } catch (NumberFormatException e) {
            // told below
        }
        throw new IllegalStateException(
                variable + " must be a number of requests per second (0 for no quota), was '" + value + "'");
    }

    private static int port(String variable, int otherwise) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(variable + " must be a port number, was '" + value + "'");
        }
    }
}
