package dev.tasklane.ledger;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.tasklane.testsupport.TasklaneInfrastructure;
import dev.tasklane.testsupport.TestTokens;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole ledger on a random port, against the test JVM's real PostgreSQL (a database of its own) and Kafka broker.
 * Every test class with this annotation shares one running ledger, so tests use tasks of their own.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tasklane.security.jwt.secret=" + TestTokens.SECRET,
            "spring.kafka.consumer.group-id=task-ledger-test",
            "tasklane.ledger.stream.heartbeat=1s",
            "logging.level.org.apache.kafka=WARN"
        })
@ContextConfiguration(initializers = TasklaneInfrastructure.class)
public @interface LedgerIntegrationTest {}
