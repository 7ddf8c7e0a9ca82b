package dev.tasklane.http;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tasklane.auth.TasklaneSecurityConfiguration;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/** The error answers every Tasklane service shares, from a real Tomcat with the real filter chain. */
@SpringBootTest(
        classes = ErrorAnswersIntegrationTests.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tasklane.security.jwt.secret=" + TestTokens.SECRET)
class ErrorAnswersIntegrationTests {

    private static final String TOKEN = TestTokens.user(UUID.randomUUID());

    @LocalServerPort
    int port;

    @Autowired
    App.Endpoints endpoints;

    private HttpJson.Response call(String method, String path, String accept, String json) {
        return new HttpJson(port)
                .call(
                        method,
                        path,
                        accept == null
                                ? Map.of("Authorization", "Bearer " + TOKEN)
                                : Map.of("Authorization", "Bearer " + TOKEN, "Accept", accept),
                        json);
    }

    private static void assertTasklaneError(HttpJson.Response answer, int status, String error) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(answer.body()).as("a JSON body").isNotNull();
        assertThat(answer.body().get("success").asBoolean()).isFalse();
        assertThat(answer.body().get("error").asString()).isEqualTo(error);
        assertThat(answer.body().get("message").asString()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/xml", "text/html", "text/html,application/xhtml+xml,application/xml;q=0.9"})
    void anInvalidRequestIsA400InJsonWhateverTheAccept(String accept) {
        HttpJson.Response answer = call("GET", "/refuse?value=x", accept, null);

        assertTasklaneError(answer, 400, "invalid_request");
        assertThat(answer.body().get("fields").has("value")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/xml", "text/html"})
    void anUnknownAddressIsA404InJsonWhateverTheAccept(String accept) {
        assertTasklaneError(call("GET", "/no-such-endpoint", accept, null), 404, "not_found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/xml", "text/html"})
    void anErrorSentPastTheControllersIsJsonWhateverTheAccept(String accept) {
        HttpJson.Response sent = call("GET", "/send-error", accept, null);
        HttpJson.Response thrown = call("GET", "/filter-failure", accept, null);

        assertTasklaneError(sent, 409, "invalid_request");
        assertThat(sent.body().get("message").asString()).contains("'/send-error'");
        assertTasklaneError(thrown, 500, "internal_error");
        assertThat(thrown.body().get("message").asString())
                .doesNotContain("IllegalStateException")
                .contains("reference");
    }

    @Test
    void aCallerThatAcceptsNoJsonIsRefusedBeforeTheEndpointRuns() {
        int before = endpoints.saved.get();

        HttpJson.Response answer = call("POST", "/save", "application/xml", "{\"name\": \"Jane\"}");

        assertTasklaneError(answer, 406, "not_acceptable");
        assertThat(endpoints.saved.get()).as("nothing saved").isEqualTo(before);
        assertThat(call("POST", "/save", "application/json", "{\"name\": \"Jane\"}")
                        .status())
                .isEqualTo(200);
        assertThat(call("POST", "/save", "*/*", "{\"name\": \"Jane\"}").status())
                .isEqualTo(200);
        assertThat(endpoints.saved.get()).isEqualTo(before + 2);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"name\": 123}",
                "{\"name\": true}",
                "{\"name\": 1.5e300}",
                "{\"name\": \"Jane\", \"active\": \"true\"}",
                "{\"name\": \"Jane\", \"active\": 1}"
            })
    void aValueOfTheWrongJsonTypeIsA400ThatNamesTheFieldAndNothingIsSaved(String body) {
        int before = endpoints.saved.get();

        HttpJson.Response answer = call("POST", "/save", null, body);

        assertTasklaneError(answer, 400, "invalid_request");
        String field = body.contains("active") ? "active" : "name";
        assertThat(answer.body().get("fields").has(field))
                .as(answer.body().toString())
                .isTrue();
        assertThat(answer.body().get("message").asString()).contains(field);
        assertThat(endpoints.saved.get()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "//whoami",
                "/;x=y",
                "/whoami;jsessionid=1",
                "/%2F",
                "/a%2Fb",
                "/%5C",
                "/%25",
                "/./whoami",
                "/a/../whoami",
                "/%2e%2e/whoami"
            })
    void aPathTheFirewallRefusesIsA400InJson(String path) {
        HttpJson.Response answer = call("GET", path, "text/html", null);

        assertTasklaneError(answer, 400, "invalid_path");
    }

    @Test
    void aBadValueIsQuotedOnceAndCut() {
        String huge = "x".repeat(200_000);

        HttpJson.Response answer = call("POST", "/refuse-body", null, "{\"value\": \"" + huge + "\"}");

        assertTasklaneError(answer, 400, "invalid_request");
        String said = answer.body().toString();
        assertThat(said.length()).isLessThan(600);
        assertThat(answer.body().get("message").asString()).contains("'" + "x".repeat(100) + "…'");
    }

    @SpringBootApplication
    @Import({TasklaneSecurityConfiguration.class, TasklaneHttpConfiguration.class})
    static class App {

        @Bean
        SecurityFilterChain chain(HttpSecurity http, TasklaneSecurityConfiguration security) throws Exception {
            return security.apply(http)
                    .authorizeHttpRequests(
                            requests -> requests.dispatcherTypeMatchers(jakarta.servlet.DispatcherType.ERROR)
                                    .permitAll()
                                    .anyRequest()
                                    .authenticated())
                    .build();
        }

        /** A filter that fails, as one can outside any controller. */
        @Bean
        org.springframework.web.filter.OncePerRequestFilter failingFilter() {
            return new org.springframework.web.filter.OncePerRequestFilter() {
                @Override
                protected void doFilterInternal(
                        jakarta.servlet.http.HttpServletRequest request,
                        jakarta.servlet.http.HttpServletResponse response,
                        jakarta.servlet.FilterChain chain)
                        throws jakarta.servlet.ServletException, java.io.IOException {
                    if (request.getRequestURI().equals("/filter-failure")) {
                        throw new IllegalStateException("a filter failed");
                    }
                    chain.doFilter(request, response);
                }
            };
        }

        record SaveRequest(String name, Boolean active) {}

        record ValueRequest(String value) {}

        /** Declares no {@code produces}: its errors are JSON all the same. */
        @RestController
        static class Refusals {

            @GetMapping("/send-error")
            void sendError(jakarta.servlet.http.HttpServletResponse response) throws java.io.IOException {
                response.sendError(409);
            }

            @GetMapping("/refuse")
            Map<String, Object> refuse(@org.springframework.web.bind.annotation.RequestParam String value) {
                throw ApiException.badField("value", "is never right", value);
            }
        }

        @RestController
        @RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
        static class Endpoints {

            final AtomicInteger saved = new AtomicInteger();

            @GetMapping("/whoami")
            Map<String, Object> whoami() {
                return Map.of("success", true);
            }

            @PostMapping("/refuse-body")
            Map<String, Object> refuseBody(@RequestBody ValueRequest request) {
                throw ApiException.badField("value", "is never right", request.value());
            }

            @PostMapping("/save")
            Map<String, Object> save(@RequestBody SaveRequest request) {
                saved.incrementAndGet();
                return Map.of("success", true, "name", request.name());
            }
        }
    }
}
