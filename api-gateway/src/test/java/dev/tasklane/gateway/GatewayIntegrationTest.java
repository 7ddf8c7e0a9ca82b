package dev.tasklane.gateway;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.tasklane.testsupport.TasklaneInfrastructure;
import dev.tasklane.testsupport.TestTokens;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole gateway on a random port, against the test JVM's real PostgreSQL (a database of its own) and Kafka broker.
 * Test classes with this annotation share one running gateway, so they use records of their own.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tasklane.security.jwt.secret=" + TestTokens.SECRET,
            "tasklane.gateway.cors-allowed-origins=https://app.example.com",
            "logging.level.org.apache.kafka=WARN"
        })
@ContextConfiguration(initializers = TasklaneInfrastructure.class)
public @interface GatewayIntegrationTest {}
