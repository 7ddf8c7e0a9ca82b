package dev.tasklane.auth;

import java.util.UUID;

import dev.tasklane.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@SpringBootTest(
        classes = SecuredEndpointIntegrationTests.App.class,
        properties = "tasklane.security.jwt.secret=" + TestTokens.SECRET)
@AutoConfigureMockMvc
class SecuredEndpointIntegrationTests {

    private static final UUID USER = UUID.randomUUID();

    @Autowired
    MockMvc mvc;

    @Test
    void anAuthenticatedCallerIsKnownByIdAndRole() throws Exception {
        mvc.perform(get("/whoami").header("Authorization", "Bearer " + TestTokens.supervisor(USER)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.userId").value(USER.toString()))
                .andExpect(jsonPath("$.role").value("SUPERVISOR"));
    }

    @Test
    void noTokenIsA401InJsonThatSaysWhatToDo() throws Exception {
        mvc.perform(get("/whoami"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().exists("WWW-Authenticate"))
                .andExpect(jsonPath("$.success").value(false))
                .andExpect(jsonPath("$.error").value("unauthorized"))
                .andExpect(jsonPath("$.message").value(containsString("no bearer token was sent")));
    }

    @Test
    void anExpiredTokenIsA401ThatSaysWhyWithoutEchoingTheToken() throws Exception {
        String token = TestTokens.expired(USER, java.time.Duration.ofMinutes(1));

        mvc.perform(get("/whoami").header("Authorization", "Bearer " + token))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.message").value(containsString("expired")))
                .andExpect(jsonPath("$.message").value(not(containsString(token))));
    }

    @Test
    void aRoleTooLowIsA403InJson() throws Exception {
        mvc.perform(get("/supervisors-only").header("Authorization", "Bearer " + TestTokens.user(USER)))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("forbidden"));
        mvc.perform(get("/supervisors-only").header("Authorization", "Bearer " + TestTokens.admin(USER)))
                .andExpect(status().isOk());
    }

    @Test
    void theQueryTokenIsAcceptedOnlyOnTheStreamPathAndOnlyForGet() throws Exception {
        String token = TestTokens.user(USER);

        mvc.perform(get("/task-events").param("access_token", token)).andExpect(status().isOk());
        mvc.perform(get("/whoami").param("access_token", token)).andExpect(status().isUnauthorized());
        mvc.perform(post("/task-events").param("access_token", token)).andExpect(status().isUnauthorized());
    }

    @SpringBootApplication
    @Import(TasklaneSecurityConfiguration.class)
    static class App {

        @Bean
        SecurityFilterChain chain(HttpSecurity http, TasklaneSecurityConfiguration security) throws Exception {
            return security.apply(http)
                    .authorizeHttpRequests(requests -> requests.requestMatchers("/supervisors-only")
                            .hasRole("SUPERVISOR")
                            .anyRequest()
                            .authenticated())
                    .build();
        }

        @RestController
        static class Endpoints {

            @GetMapping("/whoami")
            Caller whoami(Authentication authentication) {
                return Caller.of(authentication);
            }

            @GetMapping("/supervisors-only")
            String supervisorsOnly() {
                return "ok";
            }

            @GetMapping("/task-events")
            String stream() {
                return "ok";
            }

            @org.springframework.web.bind.annotation.PostMapping("/task-events")
            String postStream() {
                return "ok";
            }
        }
    }
}
