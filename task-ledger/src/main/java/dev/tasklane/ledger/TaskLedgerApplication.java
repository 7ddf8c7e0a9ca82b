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
        SpringApplication application = application(args);
        if (isRebuild(args)) {
            System.exit(SpringApplication.exit(application.run(args)));
        }
        application.run(args);
    }

    /** The ledger service, or with {@code rebuild} among the arguments the rebuild command (profile {@code rebuild}). */
    public static SpringApplication application(String... args) {
        SpringApplication application = new SpringApplication(TaskLedgerApplication.class);
        if (isRebuild(args)) {
            application.setAdditionalProfiles("rebuild");
        }
        return application;
    }

    private static boolean isRebuild(String... args) {
        return Arrays.asList(args).contains("rebuild");
    }
}
