package dev.tasklane.http;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's own error answer, for requests it refuses before Spring sees them (an encoded slash or backslash in the
 * path, a {@code ..} that climbs above the root, a malformed request line): Tasklane's JSON instead of Tomcat's HTML
 * page, with no server details.
 */
public class TasklaneErrorReportValve extends ErrorReportValve {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        if (status == 400) {
            body.put("error", "invalid_path");
            body.put("message", ApiErrors.REFUSED_ADDRESS);
        } else {
            body.put("error", status >= 500 ? "internal_error" : "invalid_request");
            body.put(
                    "message",
                    "The request could not be served (" + status + (known == null ? "" : " " + known.getReasonPhrase())
                            + "); nothing was done.");
        }
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(body));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the answer already started: nothing more to say
        }
    }

    /**
     * Puts this valve in place of the host's error report valve, which writes HTML (Tomcat's, or the one Spring Boot
     * adds).
     */
    static final class Installer implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

        @Override
        public void customize(ConfigurableTomcatWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                for (Valve valve : context.getParent().getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        context.getParent().getPipeline().removeValve(valve);
                    }
                }
                // the host adds a valve of this class when it starts, unless it has one
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(TasklaneErrorReportValve.class.getName());
                }
            });
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
