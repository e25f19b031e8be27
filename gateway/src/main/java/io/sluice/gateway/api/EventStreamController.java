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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
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
 * up is not fed without bound: its stream ends with an {@code overflow} event and it reconnects.
 */
@RestController
public class EventStreamController implements DisposableBean, org.springframework.context.SmartLifecycle {

    /** Events queued for one subscriber before its stream is ended as too slow. */
    static final int SUBSCRIBER_QUEUE = 10_000;

    private final PeerRegistry registry;
    private final java.util.Map<SseEmitter, Pump> open = new java.util.concurrent.ConcurrentHashMap<>();
    private final ExecutorService senders = new ThreadPoolExecutor(0, 64, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "sluice-sse");
                t.setDaemon(true);
                return t;
            });

    public EventStreamController(PeerRegistry registry) {
        this.registry = registry;
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
        Pump pump = new Pump(emitter, senders);
        Runnable unsubscribe = peer.events().subscribe(after, pump::offer);
        open.put(emitter, pump);
        Runnable end = () -> {
            unsubscribe.run();
            open.remove(emitter);
        };
        emitter.onCompletion(end);
        emitter.onTimeout(end);
        emitter.onError(t -> end.run());
        return emitter;
    }

    /** Feeds one emitter from a bounded queue, one send at a time, off the peer's loop. */
    static final class Pump {
        private final SseEmitter emitter;
        private final Executor executor;
        private final ArrayDeque<PeerEvent> queue = new ArrayDeque<>();
        private boolean running;
        private boolean done;

        Pump(SseEmitter emitter, Executor executor) {
            this.emitter = emitter;
            this.executor = executor;
        }

        void offer(PeerEvent e) {
            synchronized (this) {
                if (done) {
                    return;
                }
                if (queue.size() >= SUBSCRIBER_QUEUE) {
                    queue.clear();
                    done = true;
                    PeerEvent overflow = new PeerEvent(e.seq() - 1, e.peerId(), "overflow", e.timestamp(),
                            Map.of("reason", "subscriber too slow; reconnect with Last-Event-ID"));
                    queue.add(overflow);
                } else {
                    queue.add(e);
                    if ("closed".equals(e.type())) {
                        done = true;
                    }
                }
                if (running) {
                    return;
                }
                running = true;
            }
            executor.execute(this::drain);
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
