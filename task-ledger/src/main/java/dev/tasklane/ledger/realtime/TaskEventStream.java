package dev.tasklane.ledger.realtime;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.tasklane.auth.Caller;
import dev.tasklane.ledger.query.TaskView;
import dev.tasklane.ledger.system.CallerTransactions;
import dev.tasklane.ledger.system.LedgerProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The open {@code /task-events} streams of this instance, and what each may receive: a task's change goes to its
 * owner and to supervisors and admins, nobody else. Each change is an SSE event named {@code task} whose id is the
 * task's {@code change_seq}; a changed incident is an event named {@code incident} without an id, sent to the people
 * it concerns. A client that reconnects with {@code Last-Event-ID} first gets what changed since (as itself, under
 * row-level security), and may get a change twice: it is told apart by id and change_seq.
 */
@Component
public class TaskEventStream implements DisposableBean, ApplicationListener<ContextClosedEvent> {

    private static final Log LOG = LogFactory.getLog(TaskEventStream.class);

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "task-events-heartbeat");
        thread.setDaemon(true);
        return thread;
    });
    private final CallerTransactions callers;
    private final JdbcTemplate jdbc;
    private final LedgerProperties.Stream settings;
    private final Counter taskEventsSent;
    private final Counter incidentEventsSent;

    TaskEventStream(CallerTransactions callers, JdbcTemplate jdbc, LedgerProperties properties, MeterRegistry meters) {
        this.callers = callers;
        this.jdbc = jdbc;
        this.settings = properties.stream();
        long every = settings.heartbeat().toMillis();
        heartbeats.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
        Gauge.builder("tasklane.ledger.streams", subscribers, Set::size)
                .description("Open /task-events streams on this instance")
                .register(meters);
        taskEventsSent = sent("task", meters);
        incidentEventsSent = sent("incident", meters);
    }

    private static Counter sent(String event, MeterRegistry meters) {
        return Counter.builder("tasklane.ledger.stream.events")
                .tag("event", event)
                .description("Events sent on /task-events streams (each stream counts once)")
                .register(meters);
    }

    /**
     * One open stream, who is listening on it, and what it was last told of each incident in users' words (the cause,
     * which changes rarely, while the incident's counts and times change with every failure). Equal only to itself:
     * it is a key of the set of open streams while what it was told changes.
     */
    private static final class Subscriber {

        private final Caller caller;
        private final SseEmitter emitter;
        private final Map<UUID, Object> causesTold = new ConcurrentHashMap<>();

        Subscriber(Caller caller, SseEmitter emitter) {
            this.caller = caller;
            this.emitter = emitter;
        }

        Caller caller() {
            return caller;
        }

        SseEmitter emitter() {
            return emitter;
        }

        Map<UUID, Object> causesTold() {
            return causesTold;
        }

        boolean maySee(TaskView task) {
            return caller.seesEveryone() || caller.userId().equals(task.createdBy());
        }

        /**
         * Sends one event; false when the client has gone. The container learns of that itself and ends the request:
         * completing it with the error here would dispatch it as a failed request and log a stack trace per client.
         */
        synchronized boolean send(SseEmitter.SseEventBuilder event) {
            try {
                emitter.send(event);
                return true;
            } catch (IOException | IllegalStateException gone) {
                LOG.debug("A task event stream's client has gone: " + gone.getMessage());
                return false;
            }
        }
    }

    /**
     * Opens a stream for {@code caller}, first replaying what changed after {@code lastEventId} when given; with
     * {@code untilReady} the stream ends after its {@code ready} event.
     */
    SseEmitter subscribe(Caller caller, Long lastEventId, boolean untilReady) {
        SseEmitter emitter = new SseEmitter(settings.timeout().toMillis());
        Subscriber subscriber = new Subscriber(caller, emitter);
        emitter.onCompletion(() -> subscribers.remove(subscriber));
        emitter.onTimeout(() -> subscribers.remove(subscriber));
        emitter.onError(error -> subscribers.remove(subscriber));
        if (!untilReady) {
            subscribers.add(subscriber);
        }

        if (lastEventId != null) {
            for (TaskView missed : changesSince(caller, lastEventId)) {
                if (!subscriber.send(event(missed))) {
                    return emitter;
                }
            }
        }
        Long position = jdbc.queryForObject("SELECT coalesce(max(change_seq), 0) FROM background_tasks", Long.class);
        if (subscriber.send(SseEmitter.event()
                        .name("ready")
                        .id(String.valueOf(position))
                        .data(Map.of("change_seq", position), MediaType.APPLICATION_JSON))
                && untilReady) {
            subscribers.remove(subscriber);
            emitter.complete();
        }
        return emitter;
    }

    private List<TaskView> changesSince(Caller caller, long lastEventId) {
        return callers.asCaller(
                caller,
                () -> jdbc.query(
                        "SELECT " + TaskView.COLUMNS + " FROM background_tasks "
                                + "WHERE change_seq > ? OR updated_at > now() - make_interval(secs => ?) ORDER BY change_seq LIMIT ?",
                        TaskView.MAPPER,
                        lastEventId,
                        settings.resumeOverlap().toSeconds(),
                        settings.resumeLimit()));
    }

    boolean hasSubscribers() {
        return !subscribers.isEmpty();
    }

    int openStreams() {
        return subscribers.size();
    }

    /** Sends a changed task to every stream that may see it. */
    void publish(TaskView task) {
        for (Subscriber subscriber : subscribers) {
            if (subscriber.maySee(task)) {
                if (subscriber.send(event(task))) {
                    taskEventsSent.increment();
                } else {
                    subscribers.remove(subscriber);
                }
            }
        }
    }

    /**
     * Sends a changed incident: {@code forSupervisors} to supervisors and admins, {@code forUsers} to the users in
     * {@code concerned} (to every user when it is {@code null}: a notice that says nothing of anyone's tasks). It carries no
     * id: the stream's position ({@code Last-Event-ID}) stays that of the task changes. A user's stream is sent
     * {@code forUsers} only when it differs from what that stream was last told of the incident: an outage that fails
     * the tasks of a thousand people changes its incident a thousand times, and telling each of them each time would be
     * a million identical events.
     */
    void publishIncident(UUID incidentId, Object forSupervisors, Object forUsers, Set<UUID> concerned) {
        for (Subscriber subscriber : subscribers) {
            boolean supervisor = subscriber.caller().seesEveryone();
            Object data = supervisor
                    ? forSupervisors
                    : concerned == null
                                    || concerned.contains(subscriber.caller().userId())
                            ? forUsers
                            : null;
            if (data == null
                    || !supervisor && data.equals(subscriber.causesTold().get(incidentId))) {
                continue;
            }
            if (subscriber.send(SseEmitter.event().name("incident").data(data, MediaType.APPLICATION_JSON))) {
                incidentEventsSent.increment();
                if (!supervisor) {
                    subscriber.causesTold().put(incidentId, data);
                }
            } else {
                subscribers.remove(subscriber);
            }
        }
    }

    private static SseEmitter.SseEventBuilder event(TaskView task) {
        return SseEmitter.event()
                .name("task")
                .id(String.valueOf(task.changeSeq()))
                .data(task, MediaType.APPLICATION_JSON);
    }

    private void heartbeat() {
        for (Subscriber subscriber : subscribers) {
            if (!subscriber.send(SseEmitter.event().comment("heartbeat"))) {
                subscribers.remove(subscriber);
            }
        }
    }

    /**
     * Ends every open stream as soon as shutdown begins. Streams never end by themselves, so a graceful shutdown would
     * otherwise wait its whole timeout for them; browsers reconnect (to another instance) and resume from their last
     * event id.
     */
    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        closeAll();
    }

    @Override
    public void destroy() {
        heartbeats.shutdownNow();
        closeAll();
    }

    private void closeAll() {
        subscribers.forEach(subscriber -> subscriber.emitter().complete());
        subscribers.clear();
        LOG.debug("Closed every task event stream");
    }
}
