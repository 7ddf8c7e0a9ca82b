package dev.tasklane.http;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * How every Tasklane HTTP service reads JSON and answers errors; a service imports this once.
 */
@Configuration(proxyBeanMethods = false)
@Import({ApiErrors.class, JsonErrorController.class})
public class TasklaneHttpConfiguration {

    /** Tomcat's own refusals (a malformed address) answer Tasklane's JSON too. */
    @Bean
    static TasklaneErrorReportValve.Installer tasklaneTomcatErrors() {
        return new TasklaneErrorReportValve.Installer();
    }

    /**
     * JSON types are taken as sent: Jackson would otherwise turn {@code "name": 123} or {@code true} into the text
     * "123" or "true", and {@code "active": "yes"} or {@code 1} into a boolean, and save them. Refused instead, as a 400
     * that names the field ({@link ApiErrors}).
     */
    @Bean
    static JsonMapperBuilderCustomizer tasklaneStrictJsonTypes() {
        return builder -> builder.withCoercionConfig(
                        LogicalType.Textual,
                        text -> text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(
                        LogicalType.Boolean,
                        flag -> flag.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail));
    }
}
