package io.sluice.peer.api;

import io.sluice.peer.api.error.InvalidStateError;
import io.sluice.peer.api.error.OperationError;
import io.sluice.peer.api.error.RTCError;
import io.sluice.peer.api.error.TypeError;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * W3C RTCDataChannel. Methods may be called from any thread; events arrive on the peer
 * connection's event loop. {@link #send} counts the message in {@link #bufferedAmount()} at once,
 * as W3C says, and hands it to the loop; nothing sent is dropped: a sender watches
 * {@code bufferedAmount} (or {@code bufferedamountlow}) to pace itself.
 */
public final class RTCDataChannel {

    private static final Logger log = LoggerFactory.getLogger(RTCDataChannel.class);

    /** What carries a channel's messages: the peer connection's data-channel layer, on its loop. */
    interface Backend {
        /** Queues a message; called on the loop, after {@link RTCDataChannel#send} accounted for it. */
        void send(RTCDataChannel channel, boolean binary, byte[] payload);

        /** Starts the closing procedure; called on the loop. */
        void close(RTCDataChannel channel);

        /** Runs a task on the loop. */
        void execute(Runnable task);

        /** The largest message the remote accepts (RFC 8841), or Long.MAX_VALUE when unlimited. */
        long maxMessageSize();

        /** Passes a new bufferedAmountLowThreshold on; called on the loop. */
        void setBufferedAmountLowThreshold(RTCDataChannel channel, long threshold);

        /** Reading was resumed: deliver what was held; called on the loop. */
        void resumed(RTCDataChannel channel);

        /** A listener of the channel threw: counted and reported by the peer connection. */
        void listenerFailed(RTCDataChannel channel, RuntimeException failure);
    }

    /** Bytes one channel may hold queued at most; a send beyond it fails with OperationError. */
    public static final long MAX_BUFFERED_AMOUNT = 16L * 1024 * 1024;

    private final String label;
    private final boolean ordered;
    private final Integer maxPacketLifeTime;
    private final Integer maxRetransmits;
    private final String protocol;
    private final boolean negotiated;
    private volatile Integer id;
    private volatile RTCDataChannelState readyState = RTCDataChannelState.CONNECTING;
    /** Bytes accepted by send() that the loop has not yet handed to the data-channel layer. */
    private final AtomicLong pending = new AtomicLong();
    /** What the data-channel layer still holds for this channel, as of its last report. */
    private volatile long layerBuffered;
    private volatile long bufferedAmountLowThreshold;
    private volatile String binaryType = "arraybuffer";
    private final CopyOnWriteArrayList<DataChannelListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Backend backend;
    private volatile boolean readingPaused;
    /** {@link #bufferedAmountAtMost} waiters: (bytes, future), completed on the loop. */
    private final java.util.List<Waiter> waiters = new java.util.ArrayList<>();

    private record Waiter(long bytes, java.util.concurrent.CompletableFuture<Void> done) {
    }

    private RTCDataChannel(String label, boolean ordered, Integer maxPacketLifeTime, Integer maxRetransmits,
            String protocol, boolean negotiated, Integer id) {
        this.label = label;
        this.ordered = ordered;
        this.maxPacketLifeTime = maxPacketLifeTime;
        this.maxRetransmits = maxRetransmits;
        this.protocol = protocol;
        this.negotiated = negotiated;
        this.id = id;
    }

    /** Validates as W3C createDataChannel does (TypeError) and makes the channel. */
    static RTCDataChannel create(String label, RTCDataChannelInit init) {
        String l = label == null ? "" : label;
        if (l.getBytes(StandardCharsets.UTF_8).length > 65535) {
            throw new TypeError("label is longer than 65535 bytes");
        }
        if (init.protocol() != null && init.protocol().getBytes(StandardCharsets.UTF_8).length > 65535) {
            throw new TypeError("protocol is longer than 65535 bytes");
        }
        if (init.maxPacketLifeTime() != null && init.maxRetransmits() != null) {
            throw new TypeError("maxPacketLifeTime and maxRetransmits cannot both be set");
        }
        if (init.maxPacketLifeTime() != null && (init.maxPacketLifeTime() < 0 || init.maxPacketLifeTime() > 65535)) {
            throw new TypeError("maxPacketLifeTime must be 0..65535");
        }
        if (init.maxRetransmits() != null && (init.maxRetransmits() < 0 || init.maxRetransmits() > 65535)) {
            throw new TypeError("maxRetransmits must be 0..65535");
        }
        boolean negotiated = init.negotiated() != null && init.negotiated();
        if (negotiated && init.id() == null) {
            throw new TypeError("a negotiated channel needs an id");
        }
        if (init.id() != null && (init.id() < 0 || init.id() > 65534)) {
            throw new TypeError("id must be 0..65534");
        }
        return new RTCDataChannel(l, init.ordered() == null || init.ordered(), init.maxPacketLifeTime(),
                init.maxRetransmits(), init.protocol() == null ? "" : init.protocol(), negotiated,
                negotiated ? init.id() : init.id());
    }

    /** A channel the remote opened (the {@code datachannel} event). */
    static RTCDataChannel remote(String label, boolean ordered, Integer maxPacketLifeTime, Integer maxRetransmits,
            String protocol, int id, Backend backend) {
        RTCDataChannel ch = new RTCDataChannel(label, ordered, maxPacketLifeTime, maxRetransmits, protocol, false, id);
        ch.backend = backend;
        return ch;
    }

    void attach(Backend b) {
        this.backend = b;
    }

    // ---- attributes ---------------------------------------------------------------------------

    public String label() {
        return label;
    }

    public boolean ordered() {
        return ordered;
    }

    public Integer maxPacketLifeTime() {
        return maxPacketLifeTime;
    }

    public Integer maxRetransmits() {
        return maxRetransmits;
    }

    public String protocol() {
        return protocol;
    }

    public boolean negotiated() {
        return negotiated;
    }

    /** The SCTP stream id; null until it is chosen (after the DTLS role is known). */
    public Integer id() {
        return id;
    }

    public RTCDataChannelState readyState() {
        return readyState;
    }

    /** Bytes of application data queued by {@link #send} and not yet handed to the network. */
    public long bufferedAmount() {
        return pending.get() + layerBuffered;
    }

    public long bufferedAmountLowThreshold() {
        return bufferedAmountLowThreshold;
    }

    public void setBufferedAmountLowThreshold(long value) {
        if (value < 0 || value > 0xffffffffL) {
            throw new TypeError("bufferedAmountLowThreshold must be 0..2^32-1");
        }
        bufferedAmountLowThreshold = value;
        Backend b = backend;
        if (b != null) {
            b.execute(() -> b.setBufferedAmountLowThreshold(this, value));
        }
    }

    /** W3C binaryType; Java listeners always get {@code byte[]}, the attribute is kept for fidelity. */
    public String binaryType() {
        return binaryType;
    }

    public void setBinaryType(String value) {
        if (!"arraybuffer".equals(value) && !"blob".equals(value)) {
            throw new TypeError("binaryType must be arraybuffer or blob");
        }
        binaryType = value;
    }

    // ---- listeners ----------------------------------------------------------------------------

    public void addListener(DataChannelListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(DataChannelListener listener) {
        listeners.remove(listener);
    }

    private void fire(Consumer<DataChannelListener> event) {
        for (DataChannelListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.warn("data channel '{}' listener failed", label, e);
                Backend b = backend;
                if (b != null) {
                    b.listenerFailed(this, e);
                }
            }
        }
    }

    /**
     * Completes once {@link #bufferedAmount()} is at most {@code bytes} (a Sluice extension, for
     * senders that act on someone's behalf and must wait rather than fail): at once when it already
     * is, otherwise on the peer connection's loop as the buffer drains, or when the channel closes
     * (the caller then finds it closed). Unlike {@code bufferedamountlow} it needs no threshold, so
     * several senders on one channel can each wait for their own mark.
     */
    public java.util.concurrent.CompletableFuture<Void> bufferedAmountAtMost(long bytes) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        synchronized (waiters) {
            waiters.add(new Waiter(bytes, done));
        }
        // Registered first, checked second: either this check or the loop's next update sees it.
        releaseWaiters();
        return done;
    }

    private void releaseWaiters() {
        java.util.List<Waiter> ready = null;
        synchronized (waiters) {
            if (waiters.isEmpty()) {
                return;
            }
            boolean gone = readyState == RTCDataChannelState.CLOSED;
            long now = bufferedAmount();
            for (java.util.Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
                Waiter w = it.next();
                if (gone || now <= w.bytes()) {
                    it.remove();
                    if (ready == null) {
                        ready = new java.util.ArrayList<>();
                    }
                    ready.add(w);
                }
            }
        }
        if (ready != null) {
            for (Waiter w : ready) {
                w.done().complete(null);
            }
        }
    }

    /**
     * Stops delivering this channel's messages (a Sluice extension, for backpressure): they stay in
     * the SCTP receive buffer, unacknowledged to the flow control, so once it fills the remote's
     * sender stops and its bufferedAmount grows. Nothing is dropped. The receive window is shared
     * by all channels of the connection, so a paused channel slows the others once it fills.
     */
    public void pauseReading() {
        readingPaused = true;
    }

    /** Delivers what was held, in order, and goes on delivering. */
    public void resumeReading() {
        readingPaused = false;
        Backend b = backend;
        if (b != null) {
            b.execute(() -> b.resumed(this));
        }
    }

    public boolean readingPaused() {
        return readingPaused;
    }

    // ---- methods ------------------------------------------------------------------------------

    /** Sends a text message. InvalidStateError unless open; TypeError above the remote's max-message-size. */
    public void send(String text) {
        Objects.requireNonNull(text, "text");
        enqueue(false, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a binary message; the array is copied. */
    public void send(byte[] data) {
        Objects.requireNonNull(data, "data");
        enqueue(true, data.clone());
    }

    /** Sends {@code data[offset, offset+length)} as one binary message. */
    public void send(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        enqueue(true, java.util.Arrays.copyOfRange(data, offset, offset + length));
    }

    private void enqueue(boolean binary, byte[] payload) {
        RTCDataChannelState s = readyState;
        if (s != RTCDataChannelState.OPEN) {
            throw new InvalidStateError("data channel '" + label + "' is " + s + ", not open");
        }
        Backend b = backend;
        if (b == null) {
            throw new InvalidStateError("data channel '" + label + "' has no transport");
        }
        if (payload.length > b.maxMessageSize()) {
            throw new TypeError("message of " + payload.length + " bytes exceeds the remote's max-message-size "
                    + b.maxMessageSize());
        }
        if (bufferedAmount() + payload.length > MAX_BUFFERED_AMOUNT) {
            throw new OperationError("data channel '" + label + "' already buffers " + bufferedAmount()
                    + " bytes; wait for bufferedamountlow (limit " + MAX_BUFFERED_AMOUNT + ")");
        }
        pending.addAndGet(payload.length);
        b.execute(() -> {
            try {
                b.send(this, binary, payload); // updates layerBuffered first, so bufferedAmount never dips
            } finally {
                pending.addAndGet(-payload.length);
            }
        });
    }

    /** Starts the W3C closing procedure; the remote sees the channel close. */
    public void close() {
        RTCDataChannelState s = readyState;
        if (s == RTCDataChannelState.CLOSING || s == RTCDataChannelState.CLOSED) {
            return;
        }
        readyState = RTCDataChannelState.CLOSING;
        Backend b = backend;
        if (b != null) {
            b.execute(() -> b.close(this));
        } else {
            readyState = RTCDataChannelState.CLOSED;
        }
    }

    // ---- driven by the peer connection, on its loop -------------------------------------------

    void assignId(int streamId) {
        this.id = streamId;
    }

    void opened() {
        if (readyState != RTCDataChannelState.CONNECTING) {
            return;
        }
        readyState = RTCDataChannelState.OPEN;
        fire(DataChannelListener::onOpen);
    }

    void received(boolean binary, byte[] payload) {
        if (readyState != RTCDataChannelState.OPEN) {
            return;
        }
        if (binary) {
            fire(l -> l.onMessage(payload));
        } else {
            String text = new String(payload, StandardCharsets.UTF_8);
            fire(l -> l.onMessage(text));
        }
    }

    /** The data-channel layer's buffered amount for this channel after a send or a drain. */
    void layerBuffered(long bytes) {
        layerBuffered = bytes;
        releaseWaiters();
    }

    /** The buffered amount fell to the threshold or below (the layer applies the W3C rule). */
    void bufferedAmountLow(long bytes) {
        layerBuffered = bytes;
        releaseWaiters();
        if (readyState == RTCDataChannelState.OPEN || readyState == RTCDataChannelState.CLOSING) {
            fire(DataChannelListener::onBufferedAmountLow);
        }
    }

    /** W3C {@code error} (a close event follows from the layer). */
    void error(RTCError e) {
        fire(l -> l.onError(e));
    }

    void closing() {
        if (readyState == RTCDataChannelState.CLOSED) {
            return;
        }
        boolean fire = readyState != RTCDataChannelState.CLOSING;
        readyState = RTCDataChannelState.CLOSING;
        if (fire) {
            fire(DataChannelListener::onClosing);
        }
    }

    /** The channel closed; with an error when it failed (W3C "closed with error"). */
    void closed(RTCError error) {
        if (readyState == RTCDataChannelState.CLOSED) {
            return;
        }
        readyState = RTCDataChannelState.CLOSED;
        releaseWaiters();
        if (error != null) {
            fire(l -> l.onError(error));
        }
        fire(DataChannelListener::onClose);
    }

    /** The peer connection closed: the channel closes without events (W3C close()). */
    void closedByPeerConnection() {
        readyState = RTCDataChannelState.CLOSED;
        releaseWaiters();
    }

    /** Opening failed (no stream id, SCTP gone): error then close. */
    void failed(String reason) {
        closed(new RTCError("data-channel-failure", reason, null, new OperationError(reason)));
    }

    @Override
    public String toString() {
        return "RTCDataChannel[" + label + ", id=" + id + ", " + readyState + "]";
    }
}
