package dev.tasklane.drivetime;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The drive-time worker: consumes {@code task.requested.calculate_drive_times}, asks Google Maps Distance Matrix for
 * the drive time of every driver/client pair the task covers, and stores them in {@code client_drive_times}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DriveTimeWorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(DriveTimeWorkerApplication.class, args);
    }
}
