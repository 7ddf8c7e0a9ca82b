package dev.tasklane.worker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskType;
import dev.tasklane.events.TaskTypes;
import org.springframework.kafka.annotation.KafkaListenerConfigurer;
import org.springframework.kafka.config.KafkaListenerEndpoint;
import org.springframework.kafka.config.KafkaListenerEndpointRegistrar;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.kafka.support.converter.MessageConverter;

/**
 * One listener container per {@link TaskHandler} bean: it consumes {@code task.requested.<task_type>} a poll at a time
 * in the type's consumer group (also the container's id), with the type's number of threads, and hands each poll to
 * {@link TaskRunner#run}. The containers are built by Spring Boot's listener container factory, so they share the
 * worker's error handler (dead letters, waiting out an outage) and consumer settings (static membership).
 */
class TaskListeners implements KafkaListenerConfigurer {

    private final List<TaskHandler> handlers;
    private final TaskRunner runner;
    private final WorkerProperties properties;
    private final String application;

    TaskListeners(List<TaskHandler> handlers, TaskRunner runner, WorkerProperties properties, String application) {
        this.handlers = List.copyOf(handlers);
        this.runner = runner;
        this.properties = properties;
        this.application = application;
    }

    /** The registered task types of the handlers, each once; a worker without a handler or with two for a type fails. */
    static List<TaskType> taskTypes(Collection<TaskHandler> handlers) {
        if (handlers.isEmpty()) {
            throw new IllegalStateException("This worker has no TaskHandler bean, so it would consume nothing: "
                    + "declare one per task type it runs (docs/adding-a-task-type.md)");
        }
        Map<String, TaskHandler> byType = new HashMap<>();
        List<TaskType> types = new ArrayList<>();
        for (TaskHandler handler : handlers) {
            TaskHandler other = byType.putIfAbsent(handler.taskType(), handler);
            if (other != null) {
                throw new IllegalStateException("Two handlers run " + handler.taskType() + " ("
                        + other.getClass().getName() + " and "
                        + handler.getClass().getName()
                        + "): a task type has one handler");
            }
            types.add(TaskTypes.of(handler.taskType()));
        }
        return types;
    }

    @Override
    public void configureKafkaListeners(KafkaListenerEndpointRegistrar registrar) {
        taskTypes(handlers);
        Set<String> unknown = new LinkedHashSet<>(properties.taskTypes().keySet());
        Map<String, String> groups = new HashMap<>();
        for (TaskHandler handler : handlers) {
            String taskType = handler.taskType();
            unknown.remove(taskType);
            WorkerProperties.Listener listener = properties.listener(taskType, application);
            String other = groups.putIfAbsent(listener.group(), taskType);
            if (other != null) {
                throw new IllegalStateException("Task types " + other + " and " + taskType + " are both in consumer "
                        + "group " + listener.group()
                        + ": give each its own (tasklane.worker.task-types[<type>].group),"
                        + " so a rebalance or a slow poll of one never holds up the other");
            }
            registrar.registerEndpoint(
                    new Endpoint(listener, TaskTypes.of(taskType).topic(), runner, handler));
        }
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("tasklane.worker.task-types has settings for " + unknown + ", but this "
                    + "worker's handlers run "
                    + handlers.stream().map(TaskHandler::taskType).toList()
                    + ": check the spelling (in YAML a key keeps its underscores only in brackets: '[sync_quo]')");
        }
    }

    /** The listener of one task type. */
    private record Endpoint(WorkerProperties.Listener listener, String topic, TaskRunner runner, TaskHandler handler)
            implements KafkaListenerEndpoint {

        @Override
        public String getId() {
            return listener.group();
        }

        @Override
        public String getGroupId() {
            return listener.group();
        }

        @Override
        public String getGroup() {
            return null;
        }

        @Override
        public Collection<String> getTopics() {
            return List.of(topic);
        }

        @Override
        public TopicPartitionOffset[] getTopicPartitionsToAssign() {
            return null;
        }

        @Override
        public Pattern getTopicPattern() {
            return null;
        }

        @Override
        public String getClientIdPrefix() {
            return null;
        }

        @Override
        public Integer getConcurrency() {
            return listener.consumers();
        }

        @Override
        public Boolean getAutoStartup() {
            return null;
        }

        @Override
        public Boolean getBatchListener() {
            return true;
        }

        @Override
        public void setupListenerContainer(MessageListenerContainer container, MessageConverter messageConverter) {
            container.setupMessageListener(
                    (BatchMessageListener<String, TaskEvent>) records -> runner.run(records, handler));
        }

        @Override
        public boolean isSplitIterables() {
            return true;
        }
    }
}
