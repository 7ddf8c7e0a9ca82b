package dev.tasklane.ledger.system;

import javax.sql.DataSource;

import dev.tasklane.schema.SchemaCheck;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Refuses to start against a database without the Tasklane schema, saying how to apply it: checked once every bean
 * exists, before the Kafka listeners and the change listener start.
 */
@Configuration(proxyBeanMethods = false)
class SchemaConfiguration {

    @Bean
    SmartInitializingSingleton schemaCheck(DataSource dataSource) {
        return () -> SchemaCheck.requireApplied(dataSource);
    }
}
