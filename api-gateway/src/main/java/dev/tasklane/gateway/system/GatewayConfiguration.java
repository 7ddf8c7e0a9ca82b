package dev.tasklane.gateway.system;

import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

import dev.tasklane.auth.TasklaneSecurityConfiguration;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.http.TasklaneHttpConfiguration;
import dev.tasklane.schema.SchemaCheck;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import jakarta.servlet.DispatcherType;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/** Security, topics, the schema check and the OpenAPI description. */
@Configuration(proxyBeanMethods = false)
@Import({TasklaneSecurityConfiguration.class, TasklaneHttpConfiguration.class})
@EnableScheduling
class GatewayConfiguration {

    @Bean
    SecurityFilterChain gatewaySecurity(
            HttpSecurity http, TasklaneSecurityConfiguration security, GatewayProperties properties) throws Exception {
        return security.apply(http)
                .cors(cors -> cors.configurationSource(cors(properties)))
                .authorizeHttpRequests(requests -> requests.dispatcherTypeMatchers(
                                DispatcherType.ASYNC, DispatcherType.ERROR)
                        .permitAll()
                        .requestMatchers(
                                "/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus")
                        .permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
                        .permitAll()
                        .requestMatchers("/", "/*.html", "/js/**", "/css/**", "/images/**", "/favicon.ico")
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/task-types")
                        .permitAll()
                        .requestMatchers("/actuator/**")
                        .hasRole("ADMIN")
                        .anyRequest()
                        .authenticated())
                .build();
    }

    /**
     * Browsers on the origins in {@code tasklane.gateway.cors-allowed-origins} may call every endpoint with a token in
     * the {@code Authorization} header (no cookies: nothing rides on the browser's credentials).
     */
    private static CorsConfigurationSource cors(GatewayProperties properties) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(properties.corsAllowedOrigins().stream()
                .map(String::strip)
                .filter(origin -> !origin.isEmpty())
                .toList());
        cors.setAllowedMethods(List.of("GET", "POST", "OPTIONS"));
        cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID", "Accept"));
        cors.setExposedHeaders(List.of("Idempotent-Replayed"));
        cors.setMaxAge(Duration.ofHours(1));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/**", cors);
        return source;
    }

    /**
     * Every open dashboard holds a connection, and Tomcat gives each one a read and a write buffer of 8 KB: 2 KB each
     * (an event is well under that; a longer answer is written in several pieces) keeps 10,000 open streams inside the
     * gateway's heap.
     */
    @Bean
    TomcatConnectorCustomizer smallSocketBuffers() {
        return connector -> {
            connector.setProperty("socket.appReadBufSize", "2048");
            connector.setProperty("socket.appWriteBufSize", "2048");
        };
    }

    @Bean
    KafkaAdmin.NewTopics taskTopics(TopicsProperties topics) {
        return new KafkaAdmin.NewTopics(TaskTopics.declarations(
                        topics.taskTypes(), topics.partitions(), topics.replicationFactor(), topics.minInsyncReplicas())
                .toArray(NewTopic[]::new));
    }

    @Bean
    SmartInitializingSingleton schemaCheck(DataSource dataSource) {
        return () -> SchemaCheck.requireApplied(dataSource);
    }

    @Bean
    OpenAPI gatewayApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Tasklane API gateway")
                        .version("1")
                        .description("Save a client, driver or appointment and get an answer at once; the slow work "
                                + "(drive times from Google Maps, the Quo contact) runs as background tasks. "
                                + "The task endpoints of the ledger are routed through this gateway too: "
                                + "GET /get-failed-tasks, GET /get-all-failed-tasks, GET /get-failed-tasks-summary, "
                                + "POST /dismiss-task, POST /dismiss-all-tasks, POST /retry-task, GET /tasks, "
                                + "GET /task-events (Server-Sent Events), POST /admin/archive, GET /incidents, POST /retry-incident, "
                                + "POST /dismiss-incident; see docs/services/task-ledger.md."))
                .components(new Components()
                        .addSecuritySchemes(
                                "bearer",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .bearerFormat("JWT")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}
