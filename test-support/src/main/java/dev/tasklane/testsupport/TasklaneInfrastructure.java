package dev.tasklane.testsupport;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Points a Spring Boot test context at the shared test infrastructure: a fresh database of {@link TestPostgres} (so
 * every context has its own rows) and the {@link TestKafka} broker. Use it with
 * {@code @ContextConfiguration(initializers = TasklaneInfrastructure.class)} next to {@code @SpringBootTest}.
 */
public class TasklaneInfrastructure implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    /** Set this property to {@code true} when the test brings its own broker (a {@code dev.tasklane.localkafka.KafkaBrokerProcess}). */
    public static final String OWN_KAFKA = "tasklane.test.own-kafka";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestDatabase database = TestPostgres.newDatabase();
        TestPropertyValues values = TestPropertyValues.of(
                "spring.datasource.url=" + database.url(),
                "spring.datasource.username=" + database.user(),
                "spring.datasource.password=" + database.password(),
                "tasklane.test.database-name=" + database.name());
        if (!context.getEnvironment().getProperty(OWN_KAFKA, Boolean.class, false)) {
            values = values.and("spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers());
        }
        values.applyTo(context);
    }
}
