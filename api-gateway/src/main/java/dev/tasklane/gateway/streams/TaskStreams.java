package dev.tasklane.gateway.streams;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.tasklane.auth.Caller;
import dev.tasklane.gateway.system.GatewayProperties;
import dev.tasklane.http.ApiErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's {@code /task-events} streams: every browser's stream is served here without a thread of its own, and
 * the streams that see the same events (one user's tabs; all supervisors and admins) share one connection to the
 * ledger ({@link Audience}), so 10,000 open dashboards cost the ledger one stream per person and the gateway no
 * thread at all. A stream that resumes ({@code Last-Event-ID}) first gets what it missed from a short request to the
 * ledger as its own caller, then the shared events. Each person may hold {@code per-user} streams at once; one more is
 * a 429 that says what to do.
 */
@Component
public class TaskStreams implements DisposableBean, ApplicationListener<ContextClosedEvent> {

    static final String EVERYONE = "*";
    static final byte[] LEDGER_UNAVAILABLE = ("{\"success\":false,\"error\":\"ledger_unavailable\",\"message\":"
                    + "\"Live task updates are paused because the task ledger is not answering; the page keeps checking for "
                    + "failed tasks and reconnects by itself.\"}")
            .getBytes(StandardCharsets.UTF_8);
    private static final Log LOG = LogFactory.getLog(TaskStreams.class);
    private static final byte[] PROBE = ":\n\n".getBytes(StandardCharsets.UTF_8);
    private static final long PROBE_WAIT_MILLIS = 200;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, Audience> audiences = new ConcurrentHashMap<>();
    private final Map<UUID, Set<Downstream>> perUser = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger replaysRunning = new AtomicInteger();
    private final Queue<Runnable> replaysWaiting = new ConcurrentLinkedQueue<>();
    private final Map<Downstream.Ending, AtomicLong> endedSinceSummary = new EnumMap<>(Downstream.Ending.class);
    private final Map<Downstream.Ending, Counter> endedTotal = new EnumMap<>(Downstream.Ending.class);
    private final ExecutorService upstreamThreads = Executors.newFixedThreadPool(2, daemon("task-stream-upstream"));
    private final ScheduledExecutorService housekeeping =
            Executors.newSingleThreadScheduledExecutor(daemon("task-stream-housekeeping"));
    private final HttpClient http;
    private final URI ledger;
    private final GatewayProperties.Streams settings;
    private final byte[] tooMany;

    TaskStreams(GatewayProperties properties, MeterRegistry meters) {
        this.ledger = properties.ledgerUrl();
        this.settings = properties.streams();
        this.tooMany = JSON.writeValueAsBytes(ApiErrors.body(
                        HttpStatus.TOO_MANY_REQUESTS,
                        "too_many_streams",
                        "You already have " + settings.perUser()
                                + " live task update streams open (one per Tasklane tab or "
                                + "window), the most one person may have. Close Tasklane in the tabs or windows you no longer "
                                + "use, then reload this page.",
                        Map.of())
                .getBody());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3))
                .executor(upstreamThreads)
                .build();
        for (Downstream.Ending ending : Downstream.Ending.values()) {
            endedSinceSummary.put(ending, new AtomicLong());
            endedTotal.put(
                    ending,
                    Counter.builder("tasklane.gateway.streams.ended")
                            .description("/task-events streams ended, by why")
                            .tag("why", ending.name().toLowerCase())
                            .register(meters));
        }
        Gauge.builder("tasklane.gateway.streams", open, AtomicInteger::get)
                .description("Open /task-events streams on this gateway")
                .register(meters);
        Gauge.builder("tasklane.gateway.streams.upstreams", audiences, Map::size)
                .description("Connections to the ledger that feed them (one per person with a stream open, one for "
                        + "all supervisors and admins)")
                .register(meters);
        long summaryEvery = settings.logSummaryEvery().toMillis();
        housekeeping.scheduleWithFixedDelay(this::logSummary, summaryEvery, summaryEvery, TimeUnit.MILLISECONDS);
        long silence = settings.upstreamSilence().toMillis();
        housekeeping.scheduleWithFixedDelay(
                () -> audiences
                        .values()
                        .forEach(audience -> audience.checkSilence(TimeUnit.MILLISECONDS.toNanos(silence))),
                silence / 3,
                silence / 3,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Opens a stream for {@code caller} on {@code request}, resuming after {@code lastEventId} when given. The request
     * thread returns at once. A person at the cap gets a 429, after their streams were probed: a tab closed a moment
     * ago still counts until a write to it fails (the container does not watch an idle connection), and a reload is a
     * close and an open.
     */
    void open(HttpServletRequest request, Caller caller, String token, String lastEventId) throws IOException {
        AsyncContext async = request.startAsync();
        async.setTimeout(settings.lifetime().toMillis());
        String key = caller.seesEveryone() ? EVERYONE : caller.userId().toString();
        Downstream stream = new Downstream(
                caller.userId(), key, token, async, settings.maxQueuedBytes().toBytes(), this::ended);
        open.incrementAndGet();
        admit(stream, lastEventId, true);
    }

    private void admit(Downstream stream, String lastEventId, boolean probeFirst) {
        List<Downstream> theirs = new ArrayList<>();
        boolean[] admitted = {false};
        perUser.compute(stream.userId, (id, streams) -> {
            Set<Downstream> current = streams == null ? new HashSet<>() : streams;
            current.removeIf(Downstream::hasEnded);
            if (current.size() < settings.perUser()) {
                current.add(stream);
                admitted[0] = true;
            }
            theirs.addAll(current);
            return current.isEmpty() ? null : current;
        });
        if (admitted[0]) {
            boolean resuming = lastEventId != null;
            if (resuming) {
                stream.hold();
            }
            while (!audiences
                    .computeIfAbsent(stream.audience, k -> new Audience(k, this))
                    .join(stream, resuming)) {
                Thread.onSpinWait();
            }
            if (resuming) {
                replay(stream, lastEventId);
            }
        } else if (probeFirst) {
            // two writes: the first to a closed tab still succeeds, the reset it brings fails the second
            theirs.forEach(other -> other.send(PROBE));
            housekeeping.schedule(
                    () -> {
                        theirs.forEach(other -> other.send(PROBE));
                        housekeeping.schedule(
                                () -> admit(stream, lastEventId, false), PROBE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                    },
                    PROBE_WAIT_MILLIS,
                    TimeUnit.MILLISECONDS);
        } else {
            stream.fail(429, tooMany, Downstream.Ending.REFUSED);
        }
    }

    /** Fetches what a resumed stream missed, a few streams at a time: a gateway restart brings them all at once. */
    private void replay(Downstream stream, String lastEventId) {
        AtomicReference<Upstream> request = new AtomicReference<>();
        Runnable start =
                () -> request.set(Upstream.open(http, ledger, stream.token, lastEventId, true, new Upstream.Listener() {

                    private boolean done;

                    @Override
                    public void event(SseParser.Event event) {
                        if (done) {
                            return;
                        }
                        stream.sendNow(event.bytes());
                        if (event.isReady()) {
                            finish();
                        }
                    }

                    @Override
                    public void refused(int status, byte[] body) {
                        stream.fail(
                                body != null && body.length > 0 ? status : 503,
                                body != null && body.length > 0 ? body : LEDGER_UNAVAILABLE,
                                Downstream.Ending.UPSTREAM_ENDED);
                        replayDone();
                    }

                    @Override
                    public void ended() {
                        if (!done) {
                            stream.end(Downstream.Ending.UPSTREAM_ENDED);
                            replayDone();
                        }
                    }

                    private void finish() {
                        done = true;
                        Upstream finished = request.get();
                        if (finished != null) {
                            finished.cancel();
                        }
                        stream.release();
                        replayDone();
                    }
                }));
        if (replaysRunning.incrementAndGet() <= settings.concurrentResumes()) {
            start.run();
        } else {
            replaysRunning.decrementAndGet();
            replaysWaiting.add(start);
            startWaitingReplays();
        }
    }

    private void replayDone() {
        replaysRunning.decrementAndGet();
        startWaitingReplays();
    }

    private void startWaitingReplays() {
        while (!replaysWaiting.isEmpty()) {
            if (replaysRunning.incrementAndGet() > settings.concurrentResumes()) {
                replaysRunning.decrementAndGet();
                return;
            }
            Runnable next = replaysWaiting.poll();
            if (next == null) {
                replaysRunning.decrementAndGet();
                return;
            }
            next.run();
        }
    }

    Upstream openUpstream(String token, String resumeFrom, Audience audience) {
        return Upstream.open(http, ledger, token, resumeFrom, false, audience);
    }

    private void ended(Downstream stream) {
        open.decrementAndGet();
        perUser.computeIfPresent(stream.userId, (id, streams) -> {
            streams.remove(stream);
            return streams.isEmpty() ? null : streams;
        });
        Downstream.Ending why = stream.ending() == null ? Downstream.Ending.CLIENT_LEFT : stream.ending();
        endedSinceSummary.get(why).incrementAndGet();
        endedTotal.get(why).increment();
        Audience audience = audiences.get(stream.audience);
        if (audience != null) {
            audience.leave(stream);
        }
    }

    /** The last stream of an audience left: close its connection, a moment later, unless someone joined meanwhile. */
    void afterLeaving(Audience audience) {
        housekeeping.execute(audience::closeIfEmpty);
    }

    void closed(Audience audience) {
        audiences.remove(audience.key, audience);
    }

    /** One line for the streams that ended lately, however many: a mass disconnect must not flood the log. */
    private void logSummary() {
        StringBuilder line = new StringBuilder();
        long total = 0;
        for (Map.Entry<Downstream.Ending, AtomicLong> ended : endedSinceSummary.entrySet()) {
            long count = ended.getValue().getAndSet(0);
            if (count > 0) {
                line.append(line.isEmpty() ? "" : ", ")
                        .append(count)
                        .append(' ')
                        .append(words(ended.getKey()));
                total += count;
            }
        }
        if (total > 0) {
            LOG.info(total + " task event stream(s) ended in the last "
                    + settings.logSummaryEvery().toSeconds() + " s (" + line + "); " + open.get() + " open");
        }
    }

    private static String words(Downstream.Ending ending) {
        return switch (ending) {
            case CLIENT_LEFT -> "closed by the browser";
            case TOO_SLOW -> "too slow to keep up";
            case LIFETIME -> "at the end of their lifetime";
            case UPSTREAM_ENDED -> "because the ledger ended them";
            case SHUTDOWN -> "by shutdown";
            case REFUSED -> "refused (too many for one person)";
        };
    }

    int openStreams() {
        return open.get();
    }

    /** Ends every stream as shutdown begins, so a graceful shutdown does not wait for them; browsers reconnect. */
    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        audiences.values().forEach(Audience::endAll);
        audiences.clear();
    }

    @Override
    public void destroy() {
        onApplicationEvent(null);
        housekeeping.shutdownNow();
        upstreamThreads.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
