package dev.tasklane.gateway.streams;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One browser's {@code /task-events} stream, written without a thread: the request thread leaves as soon as the
 * stream is open, events are queued and written with the servlet container's non-blocking output, and nothing waits
 * for a slow or vanished client. A client that falls more than {@code maxQueuedBytes} behind is disconnected (its
 * browser reconnects and resumes from its last event id).
 *
 * <p>Writes are serialised without a lock (a work-in-progress counter): whichever thread queues an event, or the
 * container's thread when the socket can take more, drains the queue while the others only note that there is more.
 * Nothing here ever waits for the container, so the container's threads never wait for this.
 */
final class Downstream implements WriteListener, AsyncListener {

    private static final Log LOG = LogFactory.getLog(Downstream.class);

    /** Why a stream ended, for the log's summary and the metrics. */
    enum Ending {
        CLIENT_LEFT,
        TOO_SLOW,
        LIFETIME,
        UPSTREAM_ENDED,
        SHUTDOWN,
        REFUSED
    }

    final UUID userId;
    final String audience;
    final String token;
    private final AsyncContext async;
    private final HttpServletResponse response;
    private final ServletOutputStream out;
    private final long maxQueuedBytes;
    private final Consumer<Downstream> onEnd;

    private final Queue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicInteger work = new AtomicInteger();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Object holding = new Object();
    /** Live events that arrive while a resumed stream's missed events are still being fetched. */
    private List<byte[]> held;

    private volatile int errorStatus;
    private volatile boolean finishAfterDrain;
    private volatile boolean abort;
    private volatile Ending ending;
    private boolean dirty;

    Downstream(
            UUID userId,
            String audience,
            String token,
            AsyncContext async,
            long maxQueuedBytes,
            Consumer<Downstream> onEnd)
            throws IOException {
        this.userId = userId;
        this.audience = audience;
        this.token = token;
        this.async = async;
        this.response = (HttpServletResponse) async.getResponse();
        this.out = response.getOutputStream();
        this.maxQueuedBytes = maxQueuedBytes;
        this.onEnd = onEnd;
        async.addListener(this);
        out.setWriteListener(this);
    }

    /** Holds live events back until {@link #release()}: the stream's missed events go first. */
    void hold() {
        synchronized (holding) {
            held = new ArrayList<>();
        }
    }

    /** Sends what was held back after what was sent meanwhile, and live events from now on. */
    void release() {
        synchronized (holding) {
            if (held != null) {
                held.forEach(this::enqueue);
                held = null;
            }
        }
        drain();
    }

    /** Queues a live event (held back while missed events are fetched); {@link #drain()} writes it. */
    void queue(byte[] event) {
        synchronized (holding) {
            if (held != null) {
                held.add(event);
                if (held.size() > 10_000) {
                    end(Ending.TOO_SLOW);
                }
                return;
            }
        }
        enqueue(event);
    }

    /** Sends an event now, past any live events held back: a missed event of a resumed stream. */
    void sendNow(byte[] event) {
        enqueue(event);
        drain();
    }

    void send(byte[] event) {
        queue(event);
        drain();
    }

    private void enqueue(byte[] event) {
        if (ended.get()) {
            return;
        }
        started.set(true);
        if (queuedBytes.addAndGet(event.length) > maxQueuedBytes) {
            end(Ending.TOO_SLOW);
            return;
        }
        queue.add(event);
    }

    /**
     * Answers with an error instead of a stream when nothing was sent yet (the ledger's own answer, or ours when it
     * cannot be reached); ends the stream otherwise.
     */
    void fail(int status, byte[] json, Ending ending) {
        if (started.compareAndSet(false, true)) {
            errorStatus = status;
            queuedBytes.addAndGet(json.length);
            queue.add(json);
            this.ending = ending;
            finishAfterDrain = true;
            drain();
        } else {
            end(ending);
        }
    }

    /** Ends the stream after what is queued has been written (or at once, when the client is too slow for that). */
    void end(Ending why) {
        if (ending == null) {
            ending = why;
        }
        if (why == Ending.TOO_SLOW || why == Ending.CLIENT_LEFT) {
            abort = true;
        }
        finishAfterDrain = true;
        drain();
    }

    boolean hasEnded() {
        return ended.get();
    }

    Ending ending() {
        return ending;
    }

    /** Writes what the socket takes now; the container calls {@link #onWritePossible()} when it takes more. */
    void drain() {
        if (work.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            drainOnce();
            missed = work.addAndGet(-missed);
        } while (missed != 0);
    }

    private void drainOnce() {
        if (ended.get()) {
            queue.clear();
            return;
        }
        if (abort) {
            finish();
            return;
        }
        try {
            if (errorStatus != 0 && !response.isCommitted()) {
                response.setStatus(errorStatus);
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
            }
            while (out.isReady()) {
                byte[] next = queue.poll();
                if (next == null) {
                    if (dirty) {
                        dirty = false;
                        out.flush();
                        continue;
                    }
                    if (finishAfterDrain) {
                        finish();
                    }
                    return;
                }
                queuedBytes.addAndGet(-next.length);
                out.write(next);
                dirty = true;
            }
        } catch (IOException | IllegalStateException gone) {
            ending = Ending.CLIENT_LEFT;
            finish();
        } catch (RuntimeException raced) {
            // the container recycling the request on its own thread (the client reset it) while this one writes: the
            // stream is over all the same, and an exception let out here would leave the work counter up, so that no
            // later drain ever ran and the stream stayed open until its lifetime ended
            LOG.warn("A task event stream's connection failed while being written (" + raced + "); it ends");
            ending = Ending.CLIENT_LEFT;
            finish();
        }
    }

    private void finish() {
        if (ended.compareAndSet(false, true)) {
            queue.clear();
            completeNow();
            onEnd.accept(this);
        }
    }

    @Override
    public void onWritePossible() {
        drain();
    }

    /**
     * The container found the connection broken. The request must be completed right here: a listener that leaves it
     * open makes the container dispatch it to the error page, which logs a stack trace per client.
     */
    @Override
    public void onError(Throwable failure) {
        ending = Ending.CLIENT_LEFT;
        abort = true;
        completeNow();
    }

    private void completeNow() {
        try {
            async.complete();
        } catch (RuntimeException alreadyOver) {
            // completed by a writer that found the connection broken at the same moment, or already recycled by the
            // container: either way the stream is over
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        if (ended.compareAndSet(false, true)) {
            if (ending == null) {
                ending = Ending.CLIENT_LEFT;
            }
            queue.clear();
            onEnd.accept(this);
        }
    }

    /** The stream's lifetime is over: the browser reconnects with a fresh token and resumes. */
    @Override
    public void onTimeout(AsyncEvent event) {
        if (ending == null) {
            ending = Ending.LIFETIME;
        }
        abort = true;
        completeNow();
    }

    @Override
    public void onError(AsyncEvent event) {
        onError(event.getThrowable());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {}
}
