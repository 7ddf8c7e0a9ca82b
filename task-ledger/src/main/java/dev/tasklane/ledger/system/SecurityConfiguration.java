package dev.tasklane.ledger.system;

import dev.tasklane.auth.TasklaneSecurityConfiguration;
import dev.tasklane.http.TasklaneHttpConfiguration;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** Who may call what: the design's HTTP API table. Not part of the rebuild command, which serves no HTTP. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@Import({TasklaneSecurityConfiguration.class, TasklaneHttpConfiguration.class})
class SecurityConfiguration {

    @Bean
    SecurityFilterChain ledgerSecurity(HttpSecurity http, TasklaneSecurityConfiguration security) throws Exception {
        return security.apply(http)
                .authorizeHttpRequests(requests -> requests
                        // the stream's own async dispatches and error pages carry no token of their own
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                        .permitAll()
                        .requestMatchers(
                                "/actuator/health/**", "/actuator/health", "/actuator/info", "/actuator/prometheus")
                        .permitAll()
                        .requestMatchers("/get-all-failed-tasks", "/get-failed-tasks-summary")
                        .hasRole("SUPERVISOR")
                        .requestMatchers("/admin/**", "/actuator/**")
                        .hasRole("ADMIN")
                        .anyRequest()
                        .authenticated())
                .build();
    }
}
