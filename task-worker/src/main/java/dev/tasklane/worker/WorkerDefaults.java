package dev.tasklane.worker;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Adds {@value #RESOURCE} (the Kafka client, database and actuator settings every worker shares) to a worker's
 * environment below everything else, so its own application.yml keeps only what is its own and may still override any
 * of it. Registered in {@code META-INF/spring.factories}; it runs after the application.yml files are loaded.
 */
public class WorkerDefaults implements EnvironmentPostProcessor, Ordered {

    static final String RESOURCE = "tasklane-worker-defaults.yml";
    private static final String DEFAULT_PROPERTIES = "defaultProperties";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        MutablePropertySources sources = environment.getPropertySources();
        try {
            for (PropertySource<?> defaults :
                    new YamlPropertySourceLoader().load("task-worker defaults", new ClassPathResource(RESOURCE))) {
                if (sources.contains(DEFAULT_PROPERTIES)) {
                    sources.addBefore(DEFAULT_PROPERTIES, defaults);
                } else {
                    sources.addLast(defaults);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + RESOURCE + " of task-worker", e);
        }
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }
}
