package dev.tasklane.simulators;

import java.util.ArrayList;
import java.util.List;

import dev.tasklane.simulators.distancematrix.DistanceMatrixSimulator;
import dev.tasklane.simulators.quo.QuoSimulator;

/**
 * Runs the API simulators for a local stack: {@code java -jar simulators-exec.jar}. Ports come from
 * {@code TASKLANE_DISTANCE_MATRIX_SIM_PORT} (default 8091) and {@code TASKLANE_QUO_SIM_PORT} (default 8092); Ctrl-C stops
 * them.
 */
public final class Simulators {

    private Simulators() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<SimulatorServer> running = new ArrayList<>();
        try {
            DistanceMatrixSimulator distanceMatrix = new DistanceMatrixSimulator(port("TASKLANE_DISTANCE_MATRIX_SIM_PORT", 8091));
            running.add(distanceMatrix);
            System.out.println("Distance Matrix simulator: " + distanceMatrix.baseUrl() + DistanceMatrixSimulator.PATH
                    + " (control: " + distanceMatrix.baseUrl() + "/_sim/stats)");
            String quoKey = System.getenv().getOrDefault("TASKLANE_QUO_SIM_KEY", QuoSimulator.DEFAULT_KEY);
            QuoSimulator quo = new QuoSimulator(port("TASKLANE_QUO_SIM_PORT", 8092), quoKey);
            running.add(quo);
            System.out.println("Quo simulator: " + quo.baseUrl() + "/v1/contacts (control: " + quo.baseUrl()
                    + "/_sim/stats, contacts: " + quo.baseUrl() + "/_sim/contacts)");
        }
        catch (IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            running.forEach(SimulatorServer::close);
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(SimulatorServer::close)));
        Thread.currentThread().join();
    }

    private static int port(String variable, int otherwise) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value.strip());
        }
        catch (NumberFormatException e) {
            throw new IllegalStateException(variable + " must be a port number, was '" + value + "'");
        }
    }
}
