package dev.tasklane.gateway.streams;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code GET /task-events} to the ledger, read without a thread (the JDK's HTTP client) and cut into whole events.
 * It tells its {@link Listener} exactly one of {@code refused} (the ledger answered with an error, or could not be
 * reached) or {@code ended}, after any number of events.
 */
final class Upstream implements Flow.Subscriber<List<ByteBuffer>> {

    /** What an upstream connection tells its owner. */
    interface Listener {

        void event(SseParser.Event event);

        /** The ledger did not open the stream: its status and answer, or 503 and {@code null} when it did not answer. */
        void refused(int status, byte[] body);

        /** The stream ended after it was open (the ledger's stream lifetime, a restart, a broken connection). */
        void ended();
    }

    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final Listener listener;
    private final SseParser parser = new SseParser();
    private final AtomicBoolean over = new AtomicBoolean();
    private final ByteArrayOutputStream errorBody = new ByteArrayOutputStream();
    private volatile Flow.Subscription subscription;
    private volatile int status;
    private volatile boolean cancelled;
    private volatile long lastHeardNanos = System.nanoTime();

    private Upstream(Listener listener) {
        this.listener = listener;
    }

    /**
     * Opens a stream as the holder of {@code token}, resuming after {@code lastEventId} when given; {@code untilReady}
     * asks the ledger to end it after its {@code ready} event (it is cancelled there anyway).
     */
    static Upstream open(
            HttpClient http, URI ledger, String token, String lastEventId, boolean untilReady, Listener listener) {
        Upstream upstream = new Upstream(listener);
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        ledger.resolve(untilReady ? "/task-events?until=ready" : "/task-events"))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token);
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        http.sendAsync(request.GET().build(), info -> {
                    upstream.status = info.statusCode();
                    return HttpResponse.BodySubscribers.fromSubscriber(upstream);
                })
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        upstream.failed();
                    }
                });
        return upstream;
    }

    /** Stops reading; the listener hears nothing more. */
    void cancel() {
        cancelled = true;
        over.set(true);
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
    }

    /** How long since the ledger last sent anything (its heartbeats come every 15 s by default). */
    Duration silence() {
        return Duration.ofNanos(System.nanoTime() - lastHeardNanos);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (cancelled) {
            subscription.cancel();
            return;
        }
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        lastHeardNanos = System.nanoTime();
        if (status != 200) {
            for (ByteBuffer buffer : buffers) {
                if (errorBody.size() < MAX_ERROR_BODY) {
                    byte[] bytes = new byte[Math.min(buffer.remaining(), MAX_ERROR_BODY - errorBody.size())];
                    buffer.get(bytes);
                    errorBody.writeBytes(bytes);
                }
            }
        } else {
            for (ByteBuffer buffer : buffers) {
                for (SseParser.Event event : parser.feed(buffer)) {
                    if (over.get()) {
                        return;
                    }
                    listener.event(event);
                }
            }
        }
        if (!over.get()) {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable failure) {
        failed();
    }

    @Override
    public void onComplete() {
        if (status != 200) {
            if (over.compareAndSet(false, true)) {
                listener.refused(status, errorBody.toByteArray());
            }
            return;
        }
        failed();
    }

    private void failed() {
        if (over.compareAndSet(false, true)) {
            if (status == 200) {
                listener.ended();
            } else if (status != 0) {
                listener.refused(status, errorBody.toByteArray());
            } else {
                listener.refused(503, null);
            }
        }
    }
}
