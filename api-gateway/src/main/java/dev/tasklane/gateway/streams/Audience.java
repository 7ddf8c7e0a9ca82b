package dev.tasklane.gateway.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The open streams that receive the same events — one user's tabs, or every supervisor and admin — and the one
 * connection to the ledger that feeds them all. The ledger decides what the audience may see; this passes its events
 * on byte for byte. A stream that joins after the ledger's {@code ready} gets a {@code ready} of its own at the
 * position of the last event passed on. When the ledger ends the connection (its stream lifetime, a restart) it is
 * reopened once, resuming from that position, without the streams noticing; when that fails, or the ledger refuses,
 * the streams end and the browsers reconnect by themselves.
 */
final class Audience implements Upstream.Listener {

    private static final Log LOG = LogFactory.getLog(Audience.class);
    /** An upstream that lived less than this before ending is not reopened: the ledger is in trouble. */
    private static final long MIN_LIFE_FOR_REOPEN_NANOS = 5_000_000_000L;

    final String key;
    private final TaskStreams streams;
    private final Set<Downstream> members = ConcurrentHashMap.newKeySet();
    private Upstream upstream;
    private long openedNanos;
    private boolean live;
    private boolean closed;
    private String lastId;
    private String newestToken;

    Audience(String key, TaskStreams streams) {
        this.key = key;
        this.streams = streams;
    }

    /** Adds a stream; false when this audience has just closed (the caller makes a new one). */
    boolean join(Downstream stream, boolean resuming) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            newestToken = stream.token;
            if (live && !resuming) {
                stream.queue(SseParser.Event.ready(lastId).bytes());
            }
            members.add(stream);
            if (upstream == null) {
                open(null);
            }
        }
        stream.drain();
        return true;
    }

    /** Removes an ended stream; the last one out closes the connection to the ledger. */
    void leave(Downstream stream) {
        members.remove(stream);
        if (members.isEmpty()) {
            streams.afterLeaving(this);
        }
    }

    /** Closes this audience if nobody is left in it. */
    void closeIfEmpty() {
        synchronized (this) {
            if (closed || !members.isEmpty()) {
                return;
            }
            closed = true;
            if (upstream != null) {
                upstream.cancel();
            }
        }
        streams.closed(this);
    }

    private void open(String resumeFrom) {
        openedNanos = System.nanoTime();
        upstream = streams.openUpstream(newestToken, resumeFrom, this);
    }

    @Override
    public void event(SseParser.Event event) {
        List<Downstream> targets;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (event.isReady()) {
                live = true;
            }
            if (event.id() != null) {
                lastId = event.id();
            }
            targets = new ArrayList<>(members);
            targets.forEach(member -> member.queue(event.bytes()));
        }
        targets.forEach(Downstream::drain);
    }

    @Override
    public void refused(int status, byte[] body) {
        List<Downstream> targets;
        synchronized (this) {
            if (closed) {
                return;
            }
            LOG.warn("The ledger refused the task stream of " + describe() + " with status " + status + "; its "
                    + members.size() + " browser stream(s) end and reconnect by themselves");
            closed = true;
            targets = new ArrayList<>(members);
        }
        streams.closed(this);
        byte[] answer = body != null && body.length > 0 ? body : TaskStreams.LEDGER_UNAVAILABLE;
        int answerStatus = body != null && body.length > 0 ? status : 503;
        targets.forEach(member -> member.fail(answerStatus, answer, Downstream.Ending.UPSTREAM_ENDED));
    }

    @Override
    public void ended() {
        List<Downstream> targets;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (live && System.nanoTime() - openedNanos > MIN_LIFE_FOR_REOPEN_NANOS && !members.isEmpty()) {
                LOG.debug("The ledger ended the task stream of " + describe() + "; resuming after event " + lastId);
                open(lastId);
                return;
            }
            closed = true;
            targets = new ArrayList<>(members);
        }
        streams.closed(this);
        targets.forEach(member -> member.end(Downstream.Ending.UPSTREAM_ENDED));
    }

    /** Reopens the connection when the ledger has been silent for longer than {@code limit} nanoseconds. */
    void checkSilence(long limitNanos) {
        Upstream current;
        synchronized (this) {
            current = closed ? null : upstream;
        }
        if (current != null && current.silence().toNanos() > limitNanos) {
            LOG.warn("The ledger sent nothing on the task stream of " + describe() + " for "
                    + current.silence().toSeconds() + " s; reconnecting");
            current.cancel();
            ended();
        }
    }

    int size() {
        return members.size();
    }

    /** Ends every stream (shutdown). */
    void endAll() {
        List<Downstream> targets;
        synchronized (this) {
            closed = true;
            if (upstream != null) {
                upstream.cancel();
            }
            targets = new ArrayList<>(members);
        }
        targets.forEach(member -> member.end(Downstream.Ending.SHUTDOWN));
    }

    private String describe() {
        return TaskStreams.EVERYONE.equals(key) ? "supervisors and admins" : "user " + key;
    }
}
