package io.sluice.gateway.api;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * What the gateway sends on one WebSocket, queued in memory bounded in bytes and written one message
 * at a time without blocking the caller (a peer's event loop publishes events here): the container's
 * asynchronous send where there is one, else a blocking send on {@code executor}.
 *
 * <p>A socket whose queue would pass {@link #MAX_QUEUED_BYTES} is dropped as too slow: what is
 * queued is discarded, the socket stops being fed (its subscriptions end at once), it is told with
 * one {@code overflow} event per subscribed peer (its {@code seq} the last one of that peer the
 * socket was sent, to resume with {@code subscribe} {@code after}), and it is closed with 1013 (try
 * again later). A send that does not complete within {@link #SEND_TIME_LIMIT_MS} closes the socket.
 */
final class SocketOutbox {

    private static final Logger log = LoggerFactory.getLogger(SocketOutbox.class);

    /**
     * Bytes (characters of JSON text) queued for one socket before it is dropped as too slow: more
     * than a peer's whole replay log ({@link io.sluice.gateway.peers.PeerEvents#KEPT_CHARS}), so that
     * subscribing from the start does not overflow by itself.
     */
    static final long MAX_QUEUED_BYTES = 4L << 20;
    /** A single send that takes longer closes the socket. */
    static final long SEND_TIME_LIMIT_MS = 10_000;
    /** How long closing waits for a send in progress before it cuts the connection. */
    static final long CLOSE_WAIT_MS = 2_000;
    /** The close status of a socket dropped as too slow. */
    static final CloseStatus TOO_SLOW = CloseStatus.SERVICE_OVERLOAD.withReason("too slow: events were dropped");

    /** One message: its text, and for an event its peer and sequence number (else null and 0). */
    record Outgoing(String text, String peerId, long seq) {
    }

    private enum State { OPEN, DROPPING, CLOSED }

    private final WebSocketSession session;
    private final jakarta.websocket.RemoteEndpoint.Async async;
    private final Executor executor;
    private final long limit;
    /** Told the peers the socket was subscribed to when it is dropped; renders their overflow notices. */
    private final Function<Map<String, Long>, List<String>> onDrop;

    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    /** Last sequence number sent, per peer. */
    private final Map<String, Long> lastSent = new LinkedHashMap<>();
    private State state = State.OPEN;
    private boolean sending;
    private long queuedBytes;
    private long highWater;

    SocketOutbox(WebSocketSession session, Executor executor, long limit,
            Function<Map<String, Long>, List<String>> onDrop) {
        this.session = session;
        this.executor = executor;
        this.limit = limit;
        this.onDrop = onDrop;
        jakarta.websocket.Session ns = session instanceof NativeWebSocketSession n
                ? n.getNativeSession(jakarta.websocket.Session.class) : null;
        if (ns != null) {
            this.async = ns.getAsyncRemote();
            this.async.setSendTimeout(SEND_TIME_LIMIT_MS);
            // Tomcat's close waits this long for a send in progress, then closes the connection.
            ns.getUserProperties().put("org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT", CLOSE_WAIT_MS);
        } else {
            this.async = null;
        }
    }

    /** Queues a message; never blocks. Dropped silently once the socket is being dropped or closed. */
    void send(Outgoing m) {
        Outgoing next;
        synchronized (this) {
            if (state != State.OPEN) {
                return;
            }
            long size = m.text().length();
            if (queuedBytes > 0 && queuedBytes + size > limit) {
                next = drop();
            } else {
                queue.add(m);
                queuedBytes += size;
                highWater = Math.max(highWater, queuedBytes);
                next = startIfIdle();
            }
        }
        if (next != null) {
            transmit(next);
        }
    }

    /** The most bytes this socket ever had queued (its in-flight message included). */
    synchronized long highWater() {
        return highWater;
    }

    synchronized boolean dropped() {
        return state != State.OPEN;
    }

    /** The socket closed: nothing more is sent. */
    synchronized void closed() {
        state = State.CLOSED;
        queue.clear();
        queuedBytes = 0;
    }

    private Outgoing startIfIdle() {
        if (sending || queue.isEmpty()) {
            return null;
        }
        sending = true;
        return queue.peek();
    }

    /** Under the lock: discards the queue, queues the notices, returns what to send now if idle. */
    private Outgoing drop() {
        state = State.DROPPING;
        Outgoing inFlight = sending ? queue.peek() : null;
        queue.clear();
        queuedBytes = 0;
        if (inFlight != null) {
            queue.add(inFlight);
            queuedBytes = inFlight.text().length();
        }
        log.info("websocket {}: more than {} bytes queued, dropped as too slow", session.getId(), limit);
        for (String notice : onDrop.apply(Map.copyOf(lastSent))) {
            queue.add(new Outgoing(notice, null, 0));
        }
        if (!sending && queue.isEmpty()) {
            closeWith(TOO_SLOW);
            return null;
        }
        return startIfIdle();
    }

    private void transmit(Outgoing m) {
        if (async != null) {
            try {
                async.sendText(m.text(), r -> executor.execute(() -> sent(m, r.isOK() ? null : r.getException())));
            } catch (RuntimeException e) {
                sent(m, e);
            }
        } else {
            executor.execute(() -> {
                try {
                    session.sendMessage(new TextMessage(m.text()));
                    sent(m, null);
                } catch (IOException | RuntimeException e) {
                    sent(m, e);
                }
            });
        }
    }

    private void sent(Outgoing m, Throwable failure) {
        Outgoing next;
        synchronized (this) {
            if (queue.peek() == m) {
                queue.poll();
                queuedBytes -= m.text().length();
            }
            sending = false;
            if (failure != null) {
                if (state != State.CLOSED) {
                    log.debug("websocket {}: send failed ({}), closing", session.getId(), failure.toString());
                    state = State.CLOSED;
                    queue.clear();
                    queuedBytes = 0;
                    closeWith(CloseStatus.SESSION_NOT_RELIABLE);
                }
                return;
            }
            if (m.peerId() != null) {
                lastSent.put(m.peerId(), m.seq());
            }
            next = startIfIdle();
            if (next == null && state == State.DROPPING) {
                state = State.CLOSED;
                closeWith(TOO_SLOW);
            }
        }
        if (next != null) {
            transmit(next);
        }
    }

    /** Closes off the caller's thread: the close waits for a send in progress (at most {@link #CLOSE_WAIT_MS}). */
    private void closeWith(CloseStatus status) {
        executor.execute(() -> {
            try {
                session.close(status);
            } catch (IOException | RuntimeException e) {
                log.debug("websocket {}: close failed: {}", session.getId(), e.toString());
            }
        });
    }

    /** A pool of daemon threads for sends that continue and for closes (grows with demand, retires after 5 s idle). */
    static java.util.concurrent.ExecutorService executor(String name) {
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(256, 256, 5,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** {@code sluice.subscribers.dropped{kind}}: event subscribers dropped as too slow. */
    static io.micrometer.core.instrument.Counter droppedCounter(io.micrometer.core.instrument.MeterRegistry registry,
            String kind) {
        return io.micrometer.core.instrument.Counter.builder("sluice.subscribers.dropped").tag("kind", kind)
                .description("Event subscribers (WebSocket, SSE) dropped because they could not keep up")
                .register(registry);
    }
}
