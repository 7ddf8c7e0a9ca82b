package dev.tasklane.auth;

import java.time.Clock;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * The token check every Tasklane service shares. A service imports this and builds its own filter chain with
 * {@link #apply(HttpSecurity)}, then adds its own path rules.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TasklaneJwtProperties.class)
public class TasklaneSecurityConfiguration {

    private final TasklaneJwtProperties properties;
    private final JsonSecurityErrors errors = new JsonSecurityErrors();

    public TasklaneSecurityConfiguration(TasklaneJwtProperties properties) {
        this.properties = properties;
    }

    @Bean
    JwtDecoder tasklaneJwtDecoder() {
        return new VerifiedTokens(TasklaneJwtDecoders.create(properties), Clock.systemUTC());
    }

    /**
     * No Micrometer observation around every filter of the chain, authentication and authorization: they cost a
     * tenth of a request's CPU and told nothing {@code http.server.requests} does not.
     */
    @Bean
    static SecurityObservationSettings tasklaneSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    static RoleHierarchy tasklaneRoleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role(Role.ADMIN.name())
                .implies(Role.SUPERVISOR.name())
                .role(Role.SUPERVISOR.name())
                .implies(Role.USER.name())
                .build();
    }

    /** Requests refused by the firewall of every filter chain answer Tasklane's JSON rather than the container's page. */
    @Bean
    RequestRejectedHandler tasklaneRequestRejectedHandler() {
        return (request, response, rejected) -> errors.rejected(response);
    }

    /** Stateless bearer-token authentication with JSON 401/403; the caller adds the path rules. */
    public HttpSecurity apply(HttpSecurity http) throws Exception {
        return http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(
                        handling -> handling.authenticationEntryPoint(errors).accessDeniedHandler(errors))
                .oauth2ResourceServer(server -> server.bearerTokenResolver(
                                new QueryTokenResolver(properties.queryTokenPaths()))
                        .authenticationEntryPoint(errors)
                        .accessDeniedHandler(errors)
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(new RoleClaimConverter(properties.roleClaim()))));
    }
}
