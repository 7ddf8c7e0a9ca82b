package dev.tasklane.testsupport;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * A second instance of the service under test, as a second process would run it: its own context, the same
 * PostgreSQL database and Kafka broker as the test's, on a random port. Close it to stop it.
 */
public final class AnotherInstance {

    private AnotherInstance() {}

    /**
     * Starts {@code application} against the database and broker of {@code test} (the test's own context), with
     * {@code properties} ({@code name=value}) on top.
     */
    public static ConfigurableApplicationContext start(Class<?> application, Environment test, String... properties) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.datasource.url=" + test.getProperty("spring.datasource.url"),
                "--spring.datasource.username=" + test.getProperty("spring.datasource.username"),
                "--spring.datasource.password=" + test.getProperty("spring.datasource.password"),
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "--logging.level.org.apache.kafka=WARN"));
        for (String property : properties) {
            arguments.add("--" + property);
        }
        if (arguments.stream().noneMatch(argument -> argument.startsWith("--tasklane.kafka.instance-id="))) {
            // never the test's own static group membership id (TASKLANE_INSTANCE_ID): a duplicate fences the other
            arguments.add("--tasklane.kafka.instance-id=");
        }
        ConfigurableApplicationContext instance =
                new SpringApplicationBuilder(application).run(arguments.toArray(String[]::new));
        awaitPartitions(instance);
        return instance;
    }

    /**
     * Waits until each listener of the new instance owns partitions: until then the group is rebalancing and the
     * instance already running may take every record a test publishes.
     */
    private static void awaitPartitions(ConfigurableApplicationContext instance) {
        org.springframework.kafka.config.KafkaListenerEndpointRegistry listeners =
                instance.getBean(org.springframework.kafka.config.KafkaListenerEndpointRegistry.class);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(60))
                .until(() -> listeners.getListenerContainers().stream().allMatch(container -> {
                    java.util.Collection<?> assigned = container.getAssignedPartitions();
                    return assigned != null && !assigned.isEmpty();
                }));
    }
}
