package dev.tasklane.quo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Quo sync worker: consumes {@code task.requested.sync_quo} and keeps each client's Quo contact (names, phone,
 * email, next appointment) in step with Tasklane's records, and {@code task.requested.send_appointment_text}, texting
 * clients about their appointments with the same key and rate budget.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class QuoSyncWorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(QuoSyncWorkerApplication.class, args);
    }
}
