package dev.tasklane.ledger;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The task ledger: projects task events into {@code background_tasks} and serves failures to the people who own them.
 * {@code java -jar task-ledger.jar rebuild} instead replays every task topic into an empty table and exits.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TaskLedgerApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(TaskLedgerApplication.class);
        if (Arrays.asList(args).contains("rebuild")) {
            application.setAdditionalProfiles("rebuild");
            System.exit(SpringApplication.exit(application.run(args)));
        }
        application.run(args);
    }
}
