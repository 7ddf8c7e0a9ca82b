package dev.tasklane.drivetime;

import dev.tasklane.simulators.distancematrix.DistanceMatrixSimulator;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** One Distance Matrix simulator for the test JVM, and the initializer that points a worker at it. */
public final class DistanceMatrixSimulatorHolder
        implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String KEY = "AIzaSyTEST-drive-times-key-never-printed";
    public static final DistanceMatrixSimulator SIMULATOR = new DistanceMatrixSimulator(0);

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestPropertyValues.of(
                        "tasklane.drive-times.google.base-url=" + SIMULATOR.baseUrl(),
                        "tasklane.drive-times.google.api-key=" + KEY)
                .applyTo(context);
    }
}
