package dev.tasklane.quo;

import dev.tasklane.simulators.quo.QuoSimulator;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** One Quo simulator for the test JVM, and the initializer that points a worker at it. */
public final class QuoSimulatorHolder implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String KEY = "quo-test-key-7f3a9c-never-printed";
    public static final QuoSimulator SIMULATOR = new QuoSimulator(0, KEY);

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestPropertyValues.of("tasklane.quo.base-url=" + SIMULATOR.baseUrl(), "tasklane.quo.api-key=" + KEY)
                .applyTo(context);
    }
}
