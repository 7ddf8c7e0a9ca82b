package dev.tasklane.testsupport;

import org.junit.jupiter.api.Test;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

class TasklaneInfrastructureIntegrationTests {

    @Test
    void pointsEachContextAtItsOwnDatabaseAndTheSharedBroker() {
        try (GenericApplicationContext first = new GenericApplicationContext();
                GenericApplicationContext second = new GenericApplicationContext()) {
            new TasklaneInfrastructure().initialize(first);
            new TasklaneInfrastructure().initialize(second);

            String firstUrl = first.getEnvironment().getProperty("spring.datasource.url");
            String secondUrl = second.getEnvironment().getProperty("spring.datasource.url");
            assertThat(firstUrl).startsWith("jdbc:postgresql://");
            assertThat(firstUrl).isNotEqualTo(secondUrl);
            assertThat(first.getEnvironment().getProperty("spring.kafka.bootstrap-servers"))
                    .isEqualTo(TestKafka.bootstrapServers())
                    .isEqualTo(second.getEnvironment().getProperty("spring.kafka.bootstrap-servers"));
        }
    }
}
