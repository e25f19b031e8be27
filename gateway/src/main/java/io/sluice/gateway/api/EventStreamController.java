package io.sluice.gateway.api;

import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.gateway.peers.PeerEvent;
import io.sluice.gateway.peers.PeerRegistry;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Every event of a peer as a Server-Sent Events stream. Each event's SSE id is its sequence number:
 * a client that reconnects with {@code Last-Event-ID} gets what it missed, as long as the peer still
 * holds it (the last {@value io.sluice.gateway.peers.PeerEvents#KEPT}). A subscriber too slow to keep
 * up is not fed without bound: past {@link #SUBSCRIBER_QUEUE_BYTES} queued its stream ends with an
 * {@code overflow} event and it reconnects.
 */
@RestController
public class EventStreamController implements DisposableBean, org.springframework.context.SmartLifecycle {

    /**
     * Bytes (characters of event data) queued for one subscriber before its stream is ended as too
     * slow: more than a peer's whole replay log, so that resuming from the start fits.
     */
    static final long SUBSCRIBER_QUEUE_BYTES = SocketOutbox.MAX_QUEUED_BYTES;

    private final PeerRegistry registry;
    private final java.util.Map<SseEmitter, Pump> open = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Each stream's sends run here, one at a time per stream: a stream whose client stopped reading
     * holds one thread (until the server's write timeout), never the others' nor a peer's loop.
     */
    private final ExecutorService senders = SocketOutbox.executor("sluice-sse");
    private final io.micrometer.core.instrument.Counter slowDropped;

    public EventStreamController(PeerRegistry registry, io.micrometer.core.instrument.MeterRegistry meters) {
        this.registry = registry;
        this.slowDropped = SocketOutbox.droppedCounter(meters, "sse");
    }

    @GetMapping(path = "/v1/peers/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events(@PathVariable String id,
            @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId) {
        ManagedPeer peer = registry.get(id, Owner.current());
        long after = 0;
        if (lastEventId != null) {
            try {
                after = Long.parseLong(lastEventId.trim());
            } catch (NumberFormatException e) {
                throw new io.sluice.peer.api.error.TypeError("Last-Event-ID must be an event sequence number");
            }
        }
        SseEmitter emitter = new SseEmitter(0L);
        Pump pump = new Pump(emitter, senders, SUBSCRIBER_QUEUE_BYTES, slowDropped);
        Runnable unsubscribe = peer.events().subscribe(after, pump::offer);
        pump.onOverflow(unsubscribe);
        open.put(emitter, pump);
        Runnable end = () -> {
            unsubscribe.run();
            open.remove(emitter);
            queuedMax.accumulate(pump.highWater());
        };
        emitter.onCompletion(end);
        emitter.onTimeout(end);
        emitter.onError(t -> end.run());
        return emitter;
    }

    private final java.util.concurrent.atomic.LongAccumulator queuedMax =
            new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);

    /** The most bytes any stream has had queued, open or ended (for tests and diagnostics). */
    long queuedHighWater() {
        return Math.max(queuedMax.get(), open.values().stream().mapToLong(Pump::highWater).max().orElse(0));
    }

    /**
     * Feeds one emitter from a queue bounded in bytes, one send at a time, off the peer's loop
     * ({@link #offer} never blocks). Past the bound the queue is discarded, the peer stops feeding
     * this stream at once, and the stream ends with an {@code overflow} event whose id is the last
     * event sent (the client resumes with it as {@code Last-Event-ID}).
     */
    static final class Pump {
        private final SseEmitter emitter;
        private final Executor executor;
        private final long limit;
        private final io.micrometer.core.instrument.Counter dropped;
        private final ArrayDeque<PeerEvent> queue = new ArrayDeque<>();
        private long queuedBytes;
        private long highWater;
        private long lastSent;
        private boolean running;
        private boolean done;
        private boolean overflowed;
        private Runnable unsubscribe;

        Pump(SseEmitter emitter, Executor executor, long limit, io.micrometer.core.instrument.Counter dropped) {
            this.emitter = emitter;
            this.executor = executor;
            this.limit = limit;
            this.dropped = dropped;
        }

        /** What stops the peer feeding this stream, run when it overflows. */
        void onOverflow(Runnable r) {
            boolean now;
            synchronized (this) {
                unsubscribe = r;
                now = overflowed;
            }
            if (now) {
                r.run();
            }
        }

        void offer(PeerEvent e) {
            Runnable stop = null;
            synchronized (this) {
                if (done) {
                    return;
                }
                long size = weight(e);
                if (queuedBytes > 0 && queuedBytes + size > limit) {
                    queue.clear();
                    queuedBytes = 0;
                    done = true;
                    overflowed = true;
                    stop = unsubscribe;
                    dropped.increment();
                    queue.add(new PeerEvent(lastSent, e.peerId(), "overflow", System.currentTimeMillis(),
                            Map.of("reason", "subscriber too slow (more than " + limit
                                    + " bytes queued); reconnect with Last-Event-ID " + lastSent)));
                } else {
                    queue.add(e);
                    queuedBytes += size;
                    highWater = Math.max(highWater, queuedBytes);
                    if ("closed".equals(e.type())) {
                        done = true;
                    }
                }
                if (running) {
                    if (stop != null) {
                        stop.run();
                    }
                    return;
                }
                running = true;
            }
            if (stop != null) {
                stop.run();
            }
            executor.execute(this::drain);
        }

        /** Roughly the bytes an event takes on the wire: its string values and a fixed overhead. */
        private static long weight(PeerEvent e) {
            long w = 128;
            for (Object v : e.data().values()) {
                w += v instanceof String str ? str.length() : 16;
            }
            return w;
        }

        /** The most bytes this stream ever had queued. */
        synchronized long highWater() {
            return highWater;
        }

        private final java.util.concurrent.CompletableFuture<Void> completed = new java.util.concurrent.CompletableFuture<>();

        private synchronized void complete() {
            if (!completed.isDone()) {
                completed.complete(null);
                emitter.complete();
            }
        }

        /** Ends the stream once what is queued has been sent. */
        void finish() {
            synchronized (this) {
                done = true;
                if (running) {
                    return;
                }
            }
            complete();
        }

        /** Completes once the stream has been ended. */
        java.util.concurrent.CompletableFuture<Void> completed() {
            return completed;
        }

        private void drain() {
            while (true) {
                PeerEvent e;
                boolean last;
                synchronized (this) {
                    e = queue.poll();
                    if (e != null && !"overflow".equals(e.type())) {
                        queuedBytes -= weight(e);
                    }
                    if (e == null) {
                        running = false;
                        if (!done) {
                            return;
                        }
                    }
                }
                if (e == null) {
                    complete();
                    return;
                }
                synchronized (this) {
                    last = done && queue.isEmpty();
                }
                try {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("seq", e.seq());
                    body.put("peerId", e.peerId());
                    body.put("type", e.type());
                    body.put("timestamp", e.timestamp());
                    body.putAll(e.data());
                    emitter.send(SseEmitter.event().id(Long.toString(e.seq())).name(e.type())
                            .data(body, MediaType.APPLICATION_JSON));
                    synchronized (this) {
                        lastSent = Math.max(lastSent, e.seq());
                    }
                    if (last) {
                        complete();
                    }
                } catch (IOException | IllegalStateException ex) {
                    synchronized (this) {
                        done = true;
                        queue.clear();
                        running = false;
                        completed.complete(null);
                    }
                    emitter.completeWithError(ex);
                    return;
                }
            }
        }
    }

    private volatile boolean running;

    @Override
    public void start() {
        running = true;
    }

    /**
     * Ends every event stream before the web server's graceful shutdown begins: open streams would
     * otherwise hold it for its whole timeout.
     */
    @Override
    public void stop() {
        running = false;
        for (Pump p : open.values()) {
            p.finish();
        }
        // What was queued (a peer's last "closed" event, say) is sent before the server stops.
        try {
            java.util.concurrent.CompletableFuture.allOf(open.values().stream().map(Pump::completed)
                    .toArray(java.util.concurrent.CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // a stream that cannot take its last events in 2 s is cut
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE; // stopped first
    }

    @Override
    public void destroy() {
        for (SseEmitter e : open.keySet()) {
            e.complete();
        }
        senders.shutdownNow();
    }
}
