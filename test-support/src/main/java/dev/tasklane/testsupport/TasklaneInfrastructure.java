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

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestDatabase database = TestPostgres.newDatabase();
        TestPropertyValues.of(
                "spring.datasource.url=" + database.url(),
                "spring.datasource.username=" + database.user(),
                "spring.datasource.password=" + database.password(),
                "spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "tasklane.test.database-name=" + database.name()
        ).applyTo(context);
    }
}
