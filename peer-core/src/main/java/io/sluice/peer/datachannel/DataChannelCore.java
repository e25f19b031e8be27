package io.sluice.peer.datachannel;

import io.sluice.peer.sctp.SctpCore;
import io.sluice.peer.sctp.SctpCore.Reliability;
import io.sluice.peer.sctp.SctpCore.SendResult;
import io.sluice.peer.sctp.SctpEvent;
import io.sluice.peer.wire.MalformedPacketException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebRTC data channels (RFC 8831) and their establishment protocol DCEP (RFC 8832) over one
 * {@link SctpCore}. Sans-IO and confined to one thread, like every Sluice core: API calls and
 * SCTP events go in ({@link #open}, {@link #send}, {@link #close}, {@link #handleSctpEvent}),
 * channel events come out of {@link #pollEvent()}. Bad input from the remote is dropped and
 * counted in {@link #dropped()}, never thrown; API misuse throws {@link DataChannelException}
 * before any state changes.
 *
 * <h2>Channel life</h2>
 * <pre>
 *  open() ──► CONNECTING ──(id known, SCTP connected)──► negotiated: OPEN at once
 *                  │                                     DCEP: send OPEN (ordered, reliable, PPID 50)
 *                  │                                       ──(ACK, or first data message)──► OPEN
 *  remote OPEN ──► send ACK ──► OPEN (ChannelOpenedByRemote, then Open)
 *
 *  OPEN ──close()──► CLOSING: reset our outgoing stream (RFC 6525)
 *  OPEN ──remote reset of its outgoing stream──► CLOSING (Closing event): reset ours too
 *  CLOSING ──both directions reset──► CLOSED (Close event); the stream id is free again
 *  any ──association closed──► CLOSED (Error "sctp-failure" first when it aborted)
 * </pre>
 *
 * <h2>Stream ids</h2>
 * Channels created without an id get one once the DTLS role is known and SCTP is connected (W3C
 * "RTCSctpTransport connected" procedure; RFC 8832 §6: the DTLS client takes even ids, the server
 * odd), the lowest free id of that parity below [[MaxChannels]]. A remote OPEN on an
 * id of our own parity, beyond the channel limit or with an oversized label is refused by
 * resetting the stream (RFC 8831 §6.7 closing); a remote OPEN on an id already in use (a
 * negotiated channel, a channel still closing) is dropped and counted, the existing channel
 * untouched. A stream refused or abandoned this way stays reserved, without events, until both
 * directions are reset.
 *
 * <h2>bufferedAmount</h2>
 * W3C counts application bytes queued by {@code send()} and not yet handed to the network;
 * {@link SctpCore#bufferedAmount(int)} counts every byte queued on the stream, which also
 * includes DCEP messages and the one placeholder byte of each empty message. Without per-message
 * accounting from SCTP the core reports {@code min(sctpBuffered, appBytesSinceDrain)}, where
 * {@code appBytesSinceDrain} is the application payload sent since SCTP last reported the
 * stream empty. That is exact whenever SCTP's queue is empty or holds no overhead bytes, is never
 * below the true value, and overstates by at most the overhead bytes still unacknowledged (one
 * per empty message queued behind application data, or an unacknowledged OPEN). An empty message
 * therefore adds 0 to bufferedAmount, as W3C says.
 *
 * <p>{@code bufferedamountlow} fires when the value computed after a decrease reported by SCTP is
 * at or below the channel's threshold while the value last computed (after the previous send or
 * decrease) was above it.
 */
public final class DataChannelCore {

    private static final Logger log = LoggerFactory.getLogger(DataChannelCore.class);

    /** The remote's limit when its description has no {@code a=max-message-size} (RFC 8841 §6). */
    public static final long DEFAULT_REMOTE_MAX_MESSAGE_SIZE = 65536;

    /** The largest stream id a channel can use; 65535 is excluded by W3C. */
    public static final int MAX_ID = 65534;

    private static final int RESET_ATTEMPTS = 3;

    private final SctpCore sctp;
    private final DataChannelConfig config;
    private final String logPrefix;

    private final Map<Integer, Channel> byHandle = new LinkedHashMap<>();
    private final Map<Integer, Channel> byStream = new HashMap<>();
    private final BitSet usedStreams = new BitSet();
    private final ArrayDeque<DataChannelEvent> events = new ArrayDeque<>();
    private final Map<String, Long> dropped = new TreeMap<>();

    /** Channels without a stream id yet. */
    private int unassigned;
    private Boolean dtlsClient;
    private boolean connected;
    private boolean ended;
    /** W3C [[MaxChannels]]: the streams SCTP negotiated, the smaller direction. */
    private int maxStreams = MAX_ID + 1;
    private long remoteMaxMessageSize = DEFAULT_REMOTE_MAX_MESSAGE_SIZE;
    private int nextHandle = 1;

    public DataChannelCore(SctpCore sctp, DataChannelConfig config, String logPrefix) {
        if (sctp == null || config == null) {
            throw new IllegalArgumentException("sctp and config are required");
        }
        this.sctp = sctp;
        this.config = config;
        this.logPrefix = logPrefix == null ? "dc: " : logPrefix + "dc: ";
    }

    public DataChannelCore(SctpCore sctp) {
        this(sctp, DataChannelConfig.DEFAULT, null);
    }

    // ---- configuration from signaling ----------------------------------------------------------

    /**
     * The DTLS role is known (from the negotiated {@code a=setup}): the client uses even stream ids,
     * the server odd ones. It cannot change later. Channels waiting for an id get one once SCTP is
     * connected too (W3C "RTCSctpTransport connected" procedure).
     */
    public void setDtlsRole(long nowNanos, boolean client) {
        if (dtlsClient != null) {
            if (dtlsClient != client) {
                log.warn("{}DTLS role change to {} ignored", logPrefix, client ? "client" : "server");
            }
            return;
        }
        dtlsClient = client;
        log.debug("{}DTLS {}: {} stream ids", logPrefix, client ? "client" : "server", client ? "even" : "odd");
        if (connected) {
            for (Channel ch : new ArrayList<>(byHandle.values())) {
                if (ch.stream < 0 && ch.state == DataChannelState.CONNECTING) {
                    int id = allocate();
                    if (id < 0) {
                        failAbruptly(ch, DataChannelEvent.Error.DATA_CHANNEL_FAILURE, "no stream id available",
                                nowNanos);
                        continue;
                    }
                    assign(ch, id);
                    start(ch, nowNanos);
                }
            }
        }
        assert isConsistent() : "inconsistent after setDtlsRole";
    }

    /**
     * The remote's {@code a=max-message-size} (RFC 8841): null when absent (65536 applies), 0 for
     * "any size" (no limit of the remote's).
     */
    public void setRemoteMaxMessageSize(Long sdpValue) {
        if (sdpValue == null) {
            remoteMaxMessageSize = DEFAULT_REMOTE_MAX_MESSAGE_SIZE;
        } else if (sdpValue < 0) {
            throw new IllegalArgumentException("max-message-size must not be negative");
        } else {
            remoteMaxMessageSize = sdpValue == 0 ? Long.MAX_VALUE : sdpValue;
        }
    }

    /**
     * The largest message {@link #send} accepts: W3C RTCSctpTransport.maxMessageSize, the
     * smaller of the remote's limit and our own; {@code Long.MAX_VALUE} stands for "unlimited".
     */
    public long maxMessageSize() {
        long local = config.localMaxSendMessageSize() == 0 ? Long.MAX_VALUE : config.localMaxSendMessageSize();
        return Math.min(remoteMaxMessageSize, local);
    }

    /** W3C [[MaxChannels]]: null until SCTP is connected. */
    public Integer maxChannels() {
        return connected || ended ? maxStreams : null;
    }

    // ---- API -------------------------------------------------------------------------------------

    /**
     * Creates a channel (W3C {@code createDataChannel}, after the API layer's own checks). Null
     * members are absent. Negotiated channels use {@code id} and skip DCEP: they open as soon as
     * SCTP is connected. Others send DATA_CHANNEL_OPEN once they have an id and SCTP is connected.
     *
     * @param priority the RFC 8831 priority sent in DCEP ({@link DcepMessage#PRIORITY_NORMAL})
     * @return the channel handle, a number of this core's own that is never reused
     * @throws DataChannelException TypeError for invalid arguments, OperationError for an id in
     *     use, an id at or above [[MaxChannels]], no free id or too many channels;
     *     InvalidStateError once the association has closed
     */
    public int open(long nowNanos, String label, boolean ordered, Integer maxRetransmits, Integer maxPacketLifeTime,
            String protocol, boolean negotiated, Integer id, int priority) {
        String l = label == null ? "" : label;
        String p = protocol == null ? "" : protocol;
        if (utf8(l).length > 65535) {
            throw DataChannelException.typeError("label is longer than 65535 bytes");
        }
        if (utf8(p).length > 65535) {
            throw DataChannelException.typeError("protocol is longer than 65535 bytes");
        }
        if (maxRetransmits != null && maxPacketLifeTime != null) {
            throw DataChannelException.typeError("maxPacketLifeTime and maxRetransmits cannot both be set");
        }
        if (maxRetransmits != null && (maxRetransmits < 0 || maxRetransmits > 65535)) {
            throw DataChannelException.typeError("maxRetransmits must be 0..65535");
        }
        if (maxPacketLifeTime != null && (maxPacketLifeTime < 0 || maxPacketLifeTime > 65535)) {
            throw DataChannelException.typeError("maxPacketLifeTime must be 0..65535");
        }
        if (negotiated && id == null) {
            throw DataChannelException.typeError("a negotiated channel needs an id");
        }
        if (id != null && (id < 0 || id > MAX_ID)) {
            throw DataChannelException.typeError("id must be 0..65534");
        }
        if (priority < 0 || priority > 0xffff) {
            throw DataChannelException.typeError("priority must be 0..65535");
        }
        if (ended) {
            throw DataChannelException.invalidState("the SCTP association has closed");
        }
        if (id != null && usedStreams.get(id)) {
            throw DataChannelException.operationError("id " + id + " is already in use");
        }
        if (id != null && connected && id >= maxStreams) {
            throw DataChannelException.operationError("id " + id + " is not below the " + maxStreams
                    + " negotiated SCTP streams");
        }
        if (liveChannels() >= config.maxChannels()) {
            throw DataChannelException.operationError("too many data channels (" + config.maxChannels() + ")");
        }
        int stream = id == null ? -1 : id;
        if (stream < 0 && dtlsClient != null && connected) {
            stream = allocate();
            if (stream < 0) {
                throw DataChannelException.operationError("no free stream id");
            }
        }
        Channel ch = new Channel(nextHandle(), l, ordered, maxRetransmits, maxPacketLifeTime, p, negotiated, priority);
        byHandle.put(ch.handle, ch);
        unassigned++;
        if (stream >= 0) {
            assign(ch, stream);
        }
        log.debug("{}channel {} '{}' created, id {}{}", logPrefix, ch.handle, l, stream < 0 ? "pending" : stream,
                negotiated ? ", negotiated" : "");
        if (connected && ch.stream >= 0) {
            start(ch, nowNanos);
        }
        assert isConsistent() : "inconsistent after open";
        return ch.handle;
    }

    /** Sends a text message: PPID 51, or 56 when empty. See {@link #send(long, int, byte[])}. */
    public void send(long nowNanos, int channel, String text) {
        sendMessage(nowNanos, channel, encodeUsv(text == null ? "" : text), true);
    }

    /**
     * Sends a binary message: PPID 53, or 57 when empty (one zero byte on the wire). The bytes are
     * copied. Ordered or not and the reliability follow the channel.
     *
     * @throws DataChannelException InvalidStateError unless the channel is open; TypeError when
     *     larger than {@link #maxMessageSize()} (nothing is truncated); OperationError when the
     *     channel's send queue ({@link DataChannelConfig#maxBufferedAmount()}) would overflow
     */
    public void send(long nowNanos, int channel, byte[] data) {
        sendMessage(nowNanos, channel, data == null ? new byte[0] : data.clone(), false);
    }

    /**
     * W3C {@code close()}: the closing procedure (RFC 8831 §6.7). The outgoing stream is reset;
     * the channel is closed once the remote has reset its side too. A channel not yet on the wire
     * closes at once. Closing a closed or closing channel does nothing.
     */
    public void close(long nowNanos, int channel) {
        Channel ch = byHandle.get(channel);
        if (ch == null || ch.state == DataChannelState.CLOSING || ch.state == DataChannelState.CLOSED) {
            return;
        }
        if (!ch.onWire || !connected) {
            finish(ch, null, null);
        } else {
            setState(ch, DataChannelState.CLOSING, "close()");
            ch.partial = null;
            requestResets(List.of(ch), nowNanos);
        }
        assert isConsistent() : "inconsistent after close";
    }

    public void setBufferedAmountLowThreshold(int channel, long threshold) {
        if (threshold < 0) {
            throw DataChannelException.typeError("bufferedAmountLowThreshold must not be negative");
        }
        Channel ch = byHandle.get(channel);
        if (ch != null) {
            ch.threshold = threshold;
        }
    }

    public long bufferedAmountLowThreshold(int channel) {
        Channel ch = byHandle.get(channel);
        return ch == null ? 0 : ch.threshold;
    }

    /** W3C bufferedAmount (see the class comment); 0 for a handle this core has forgotten. */
    public long bufferedAmount(int channel) {
        Channel ch = byHandle.get(channel);
        return ch == null ? 0 : computeBuffered(ch);
    }

    /** CLOSED for a handle that has closed (the core forgets it after its Close event). */
    public DataChannelState state(int channel) {
        Channel ch = byHandle.get(channel);
        return ch == null ? DataChannelState.CLOSED : ch.state;
    }

    /** The configuration and current id; null for a forgotten handle. */
    public ChannelInfo info(int channel) {
        Channel ch = byHandle.get(channel);
        return ch == null ? null : ch.info();
    }

    /** The SCTP stream id, or null while none is assigned (or the handle is forgotten). */
    public Integer streamId(int channel) {
        Channel ch = byHandle.get(channel);
        return ch == null || ch.stream < 0 ? null : ch.stream;
    }

    public DataChannelStats stats(int channel) {
        Channel ch = byHandle.get(channel);
        return ch == null ? null : ch.stats();
    }

    /** Handles of the channels not yet closed, oldest first. */
    public List<Integer> channels() {
        return List.copyOf(byHandle.keySet());
    }

    /**
     * Inbound messages and DCEP input discarded, by reason: "malformed-dcep", "unknown-stream",
     * "unknown-ppid", "not-open", "stream-closing", "unexpected-ack", "open-stream-in-use",
     * "open-wrong-parity", "open-channel-limit", "open-label-too-long", "open-out-of-range",
     * "too-large", "partial-unordered", "partial-mismatch", "reset-unknown-stream", ...
     */
    public Map<String, Long> dropped() {
        return Map.copyOf(dropped);
    }

    public long dropped(String reason) {
        return dropped.getOrDefault(reason, 0L);
    }

    /** The next event, or null. Polling a message hands its bytes back to SCTP under auto-consume. */
    public DataChannelEvent pollEvent() {
        DataChannelEvent e = events.poll();
        if (e != null && config.autoConsume() && e.kind() == DataChannelEvent.Kind.MESSAGE) {
            int n = ((DataChannelEvent.Message) e).receivedBytes();
            if (n > 0) {
                sctp.consumed(n);
            }
        }
        return e;
    }

    /** Without auto-consume: the application is done with this message; SCTP's window reopens. */
    public void consumed(DataChannelEvent.Message message) {
        if (!config.autoConsume() && message.receivedBytes() > 0) {
            sctp.consumed(message.receivedBytes());
        }
    }

    // ---- SCTP events ----------------------------------------------------------------------------

    /** Drains {@link SctpCore#pollEvent()} into {@link #handleSctpEvent}. */
    public void pollSctpEvents(long nowNanos) {
        SctpEvent e;
        while ((e = sctp.pollEvent()) != null) {
            handleSctpEvent(nowNanos, e);
        }
    }

    /** One event from the association. */
    public void handleSctpEvent(long nowNanos, SctpEvent event) {
        switch (event.kind()) {
            case CONNECTED:
                onConnected(nowNanos, (SctpEvent.Connected) event);
                break;
            case MESSAGE:
                onMessage(nowNanos, (SctpEvent.Message) event);
                break;
            case STREAMS_RESET_INCOMING:
                onResetIncoming(nowNanos, ((SctpEvent.StreamsResetIncoming) event).streamIds());
                break;
            case STREAMS_RESET_OUTGOING:
                SctpEvent.StreamsResetOutgoing out = (SctpEvent.StreamsResetOutgoing) event;
                onResetOutgoing(nowNanos, out.streamIds(), out.success());
                break;
            case BUFFERED_AMOUNT_LOW:
                Channel ch = byStream.get(((SctpEvent.BufferedAmountDecreased) event).streamId());
                if (ch != null && !ch.detached) {
                    checkLow(ch);
                }
                break;
            case CLOSED:
                SctpEvent.Closed c = (SctpEvent.Closed) event;
                onAssociationClosed(c.reason(), c.error());
                break;
            default:
                throw new IllegalStateException("unknown SCTP event " + event.kind());
        }
        assert isConsistent() : "inconsistent after " + event.kind();
    }

    private void onConnected(long now, SctpEvent.Connected c) {
        if (connected || ended) {
            return;
        }
        connected = true;
        maxStreams = Math.max(0, Math.min(MAX_ID + 1, Math.min(c.outboundStreams(), c.inboundStreams())));
        log.debug("{}SCTP connected, {} streams", logPrefix, maxStreams);
        for (Channel ch : new ArrayList<>(byHandle.values())) {
            if (ch.state != DataChannelState.CONNECTING) {
                continue;
            }
            if (ch.stream < 0) {
                if (dtlsClient == null) {
                    continue; // waits for setDtlsRole
                }
                int id = allocate();
                if (id < 0) {
                    failAbruptly(ch, DataChannelEvent.Error.DATA_CHANNEL_FAILURE, "no stream id available", now);
                    continue;
                }
                assign(ch, id);
            }
            start(ch, now);
        }
    }

    private void onAssociationClosed(String reason, boolean error) {
        log.debug("{}SCTP closed{}: {}", logPrefix, error ? " with error" : "", reason);
        connected = false;
        ended = true;
        for (Channel ch : new ArrayList<>(byHandle.values())) {
            finish(ch, error ? DataChannelEvent.Error.SCTP_FAILURE : null, reason);
        }
        for (Channel ch : new ArrayList<>(byStream.values())) {
            finish(ch, null, null);
        }
    }

    private void onMessage(long now, SctpEvent.Message m) {
        byte[] payload = m.payload() == null ? new byte[0] : m.payload();
        int stream = m.streamId();
        Channel ch = byStream.get(stream);
        if (m.ppid() == Ppid.DCEP) {
            consume(payload.length);
            onDcep(now, stream, payload, ch);
            return;
        }
        if (ch == null) {
            drop("unknown-stream", payload.length);
            return;
        }
        if (ch.detached) {
            drop("stream-closing", payload.length);
            return;
        }
        boolean text;
        boolean empty = false;
        boolean partial = false;
        switch (m.ppid()) {
            case Ppid.STRING:
                text = true;
                break;
            case Ppid.BINARY:
                text = false;
                break;
            case Ppid.STRING_EMPTY:
                text = true;
                empty = true;
                break;
            case Ppid.BINARY_EMPTY:
                text = false;
                empty = true;
                break;
            case Ppid.STRING_PARTIAL:
                text = true;
                partial = true;
                break;
            case Ppid.BINARY_PARTIAL:
                text = false;
                partial = true;
                break;
            default:
                drop("unknown-ppid", payload.length);
                return;
        }
        if (ch.state == DataChannelState.CONNECTING && ch.awaitingAck) {
            // RFC 8832 §6: user data on the stream means the remote has processed our OPEN.
            ch.awaitingAck = false;
            ch.implicitlyAcked = true;
            setOpen(ch, "data before ACK");
        }
        if (ch.state != DataChannelState.OPEN) {
            drop("not-open", payload.length);
            return;
        }
        long limit = config.maxReceiveMessageSize() == 0 ? Long.MAX_VALUE : config.maxReceiveMessageSize();
        if (partial) {
            if (m.unordered()) {
                drop("partial-unordered", payload.length);
                return;
            }
            if (ch.partial != null && ch.partialText != text) {
                ch.partial = null;
                drop("partial-mismatch", payload.length);
                return;
            }
            if (ch.partial == null) {
                ch.partial = new ByteArrayOutputStream();
                ch.partialText = text;
            }
            if (ch.partial.size() + (long) payload.length > limit) {
                ch.partial = null;
                drop("too-large", payload.length);
                return;
            }
            ch.partial.write(payload, 0, payload.length);
            consume(payload.length); // copied into our own bounded buffer
            return;
        }
        byte[] data = empty ? new byte[0] : payload;
        if (!empty && !m.unordered() && ch.partial != null) {
            boolean matches = ch.partialText == text;
            ByteArrayOutputStream joined = ch.partial;
            ch.partial = null;
            if (!matches) {
                drop("partial-mismatch", payload.length);
                return;
            }
            if (joined.size() + (long) payload.length > limit) {
                drop("too-large", payload.length);
                return;
            }
            joined.write(payload, 0, payload.length);
            data = joined.toByteArray();
        }
        if (data.length > limit) {
            drop("too-large", payload.length);
            return;
        }
        ch.messagesReceived++;
        ch.bytesReceived += data.length;
        events.add(new DataChannelEvent.Message(ch.handle, text, data, payload.length));
    }

    private void onDcep(long now, int stream, byte[] payload, Channel ch) {
        DcepMessage msg;
        try {
            msg = DcepMessage.parse(payload, 0, payload.length);
        } catch (MalformedPacketException e) {
            log.debug("{}malformed DCEP on stream {}: {}", logPrefix, stream, e.getMessage());
            if (ch == null && payload.length > 0 && (payload[0] & 0xff) == DcepMessage.TYPE_OPEN && connected
                    && stream < maxStreams) {
                // An OPEN we cannot accept: refuse it so the remote's channel does not hang.
                reject(now, stream, "malformed-dcep");
            } else {
                drop("malformed-dcep", 0);
            }
            return;
        }
        if (msg.kind() == DcepMessage.Kind.ACK) {
            if (ch != null && !ch.detached && ch.awaitingAck) {
                ch.awaitingAck = false;
                if (ch.state == DataChannelState.CONNECTING) {
                    setOpen(ch, "ACK");
                } // else closed locally before the ACK came: it only confirms the OPEN
            } else if (ch != null && ch.implicitlyAcked) {
                ch.implicitlyAcked = false; // the ACK that the data overtook
            } else if (ch == null || !ch.detached) {
                drop("unexpected-ack", 0);
            }
            return;
        }
        onOpen(now, stream, (DcepMessage.Open) msg, ch);
    }

    private void onOpen(long now, int stream, DcepMessage.Open open, Channel existing) {
        if (existing != null) {
            drop("open-stream-in-use", 0);
            return;
        }
        if (!connected || stream >= maxStreams) {
            drop("open-out-of-range", 0);
            return;
        }
        if (dtlsClient != null && (stream % 2 == 0) == dtlsClient) {
            reject(now, stream, "open-wrong-parity");
            return;
        }
        if (liveChannels() >= config.maxChannels()) {
            reject(now, stream, "open-channel-limit");
            return;
        }
        if (utf8(open.label()).length > config.maxLabelBytes() || utf8(open.protocol()).length > config.maxLabelBytes()) {
            reject(now, stream, "open-label-too-long");
            return;
        }
        ChannelType type = open.channelType();
        Integer rexmit = type.rexmit() ? (int) Math.min(open.reliabilityParameter(), 65535) : null;
        Integer lifetime = type.timed() ? (int) Math.min(open.reliabilityParameter(), 65535) : null;
        Channel ch = new Channel(nextHandle(), open.label(), type.ordered(), rexmit, lifetime, open.protocol(), false,
                open.priority());
        ch.remoteOpened = true;
        SendResult r = sctp.send(stream, Ppid.DCEP, DcepMessage.Ack.INSTANCE.encode(), false, Reliability.RELIABLE, now);
        if (r != SendResult.OK) {
            reject(now, stream, "ack-send-failed");
            return;
        }
        byHandle.put(ch.handle, ch);
        unassigned++;
        assign(ch, stream);
        ch.onWire = true;
        log.debug("{}channel {} '{}' opened by the remote on stream {}", logPrefix, ch.handle, ch.label, stream);
        ch.state = DataChannelState.OPEN;
        events.add(new DataChannelEvent.ChannelOpenedByRemote(ch.handle, ch.info()));
        events.add(new DataChannelEvent.Open(ch.handle));
    }

    private void onResetIncoming(long now, int[] ids) {
        List<Channel> toReset = new ArrayList<>();
        for (int id : ids) {
            Channel ch = byStream.get(id);
            if (ch == null) {
                drop("reset-unknown-stream", 0);
                continue;
            }
            ch.incomingReset = true;
            ch.partial = null;
            if (!ch.detached && (ch.state == DataChannelState.OPEN || ch.state == DataChannelState.CONNECTING)) {
                ch.awaitingAck = false;
                setState(ch, DataChannelState.CLOSING, "remote reset its stream");
                events.add(new DataChannelEvent.Closing(ch.handle));
            }
            if (!ch.outgoingResetRequested) {
                toReset.add(ch);
            } else if (ch.outgoingReset) {
                finish(ch, null, null);
            }
        }
        requestResets(toReset, now);
    }

    private void onResetOutgoing(long now, int[] ids, boolean success) {
        List<Channel> retry = new ArrayList<>();
        for (int id : ids) {
            Channel ch = byStream.get(id);
            if (ch == null || !ch.outgoingResetRequested || ch.outgoingReset) {
                continue;
            }
            if (success) {
                ch.outgoingReset = true;
                if (ch.incomingReset) {
                    finish(ch, null, null);
                }
            } else if (++ch.resetAttempts < RESET_ATTEMPTS) {
                retry.add(ch);
            } else {
                log.debug("{}stream {} reset refused {} times", logPrefix, id, RESET_ATTEMPTS);
                finish(ch, DataChannelEvent.Error.DATA_CHANNEL_FAILURE, "the stream reset was refused");
            }
        }
        if (!retry.isEmpty()) {
            int[] s = retry.stream().mapToInt(c -> c.stream).toArray();
            sctp.resetStreams(s, now);
        }
    }

    // ---- internals ------------------------------------------------------------------------------

    private void sendMessage(long now, int channel, byte[] data, boolean text) {
        Channel ch = byHandle.get(channel);
        if (ch == null || ch.state != DataChannelState.OPEN) {
            throw DataChannelException.invalidState("data channel is " + (ch == null ? "closed" : ch.state)
                    + ", not open");
        }
        if (data.length > maxMessageSize()) {
            throw DataChannelException.typeError("message of " + data.length + " bytes is larger than maxMessageSize "
                    + maxMessageSize());
        }
        if (computeBuffered(ch) + data.length > config.maxBufferedAmount()) {
            throw DataChannelException.operationError("send queue full: bufferedAmount " + computeBuffered(ch)
                    + " + " + data.length + " exceeds " + config.maxBufferedAmount());
        }
        boolean empty = data.length == 0;
        int ppid = empty ? (text ? Ppid.STRING_EMPTY : Ppid.BINARY_EMPTY) : (text ? Ppid.STRING : Ppid.BINARY);
        byte[] payload = empty ? new byte[1] : data;
        SendResult r = sctp.send(ch.stream, ppid, payload, !ch.ordered, ch.reliability(), now);
        switch (r) {
            case OK:
                break;
            case TOO_LARGE:
                throw DataChannelException.typeError("message of " + data.length
                        + " bytes is larger than the association can send");
            case NOT_CONNECTED:
                throw DataChannelException.invalidState("the SCTP association is not connected");
            default:
                throw DataChannelException.operationError("SCTP refused the message: " + r);
        }
        ch.messagesSent++;
        ch.bytesSent += data.length;
        ch.appSinceDrain += data.length;
        ch.lastBuffered = computeBuffered(ch);
    }

    /** Puts a channel that has its id and a connected association on the wire. */
    private void start(Channel ch, long now) {
        if (ch.stream >= maxStreams) {
            failAbruptly(ch, DataChannelEvent.Error.DATA_CHANNEL_FAILURE,
                    "id " + ch.stream + " is not below the " + maxStreams + " negotiated SCTP streams", now);
            return;
        }
        if (ch.negotiated) {
            ch.onWire = true;
            setOpen(ch, "negotiated");
            return;
        }
        DcepMessage.Open open = new DcepMessage.Open(ch.channelType(), ch.priority, ch.reliabilityParameter(),
                ch.label, ch.protocol);
        SendResult r = sctp.send(ch.stream, Ppid.DCEP, open.encode(), false, Reliability.RELIABLE, now);
        if (r != SendResult.OK) {
            failAbruptly(ch, DataChannelEvent.Error.DATA_CHANNEL_FAILURE, "could not send DATA_CHANNEL_OPEN: " + r,
                    now);
            return;
        }
        ch.onWire = true;
        ch.awaitingAck = true;
        log.debug("{}channel {} sent OPEN on stream {}", logPrefix, ch.handle, ch.stream);
    }

    private void setOpen(Channel ch, String why) {
        setState(ch, DataChannelState.OPEN, why);
        events.add(new DataChannelEvent.Open(ch.handle));
    }

    private void setState(Channel ch, DataChannelState next, String why) {
        log.debug("{}channel {} (stream {}) {} -> {} due to {}", logPrefix, ch.handle, ch.stream, ch.state, next, why);
        ch.state = next;
    }

    /** Refuses a remote OPEN: the stream is held, without events, until both directions are reset. */
    private void reject(long now, int stream, String reason) {
        drop(reason, 0);
        Channel placeholder = new Channel(0, "", true, null, null, "", false, 0);
        placeholder.detached = true;
        placeholder.onWire = true;
        placeholder.state = DataChannelState.CLOSING;
        placeholder.stream = stream;
        byStream.put(stream, placeholder);
        usedStreams.set(stream);
        requestResets(List.of(placeholder), now);
    }

    /**
     * A failure: the application sees Error and Close now; a stream already on the wire stays
     * reserved (detached) until both directions are reset.
     */
    private void failAbruptly(Channel ch, String detail, String message, long now) {
        boolean reset = ch.onWire && connected && ch.stream >= 0 && ch.stream < maxStreams;
        if (!reset) {
            finish(ch, detail, message);
            return;
        }
        events.add(new DataChannelEvent.Error(ch.handle, detail, message));
        closeForApplication(ch);
        ch.detached = true;
        requestResets(List.of(ch), now);
    }

    private void requestResets(List<Channel> channels, long now) {
        List<Channel> todo = new ArrayList<>();
        for (Channel ch : channels) {
            if (!ch.outgoingResetRequested && ch.stream >= 0) {
                ch.outgoingResetRequested = true;
                todo.add(ch);
            }
        }
        if (!todo.isEmpty() && connected) {
            sctp.resetStreams(todo.stream().mapToInt(c -> c.stream).toArray(), now);
        }
    }

    /** The channel is closed: events for the application (unless detached), the id is free. */
    private void finish(Channel ch, String errorDetail, String message) {
        if (!ch.detached) {
            if (errorDetail != null) {
                events.add(new DataChannelEvent.Error(ch.handle, errorDetail, message));
            }
            closeForApplication(ch);
        }
        if (ch.stream >= 0 && byStream.get(ch.stream) == ch) {
            byStream.remove(ch.stream);
            usedStreams.clear(ch.stream);
        }
    }

    private void closeForApplication(Channel ch) {
        ch.lastBuffered = computeBuffered(ch);
        setState(ch, DataChannelState.CLOSED, "closed");
        events.add(new DataChannelEvent.Close(ch.handle, ch.lastBuffered, ch.stats()));
        byHandle.remove(ch.handle);
        if (ch.stream < 0) {
            unassigned--;
        }
    }

    private void checkLow(Channel ch) {
        long before = ch.lastBuffered;
        long now = computeBuffered(ch);
        ch.lastBuffered = now;
        if (before > ch.threshold && now <= ch.threshold && ch.state != DataChannelState.CLOSED) {
            events.add(new DataChannelEvent.BufferedAmountLow(ch.handle, now));
        }
    }

    private long computeBuffered(Channel ch) {
        if (ch.stream < 0 || ch.state == DataChannelState.CLOSED || ended) {
            return ch.lastBuffered;
        }
        long s = sctp.bufferedAmount(ch.stream);
        if (s <= 0) {
            ch.appSinceDrain = 0;
            return 0;
        }
        return Math.min(s, ch.appSinceDrain);
    }

    private void assign(Channel ch, int stream) {
        ch.stream = stream;
        byStream.put(stream, ch);
        usedStreams.set(stream);
        unassigned--;
    }

    /** The lowest free id of our parity below the limit, or -1. */
    private int allocate() {
        int limit = connected ? maxStreams : MAX_ID + 1;
        int parity = dtlsClient ? 0 : 1;
        int i = parity;
        while (i < limit) {
            i = usedStreams.nextClearBit(i);
            if (i >= limit) {
                break;
            }
            if ((i & 1) == parity) {
                return i;
            }
            i++;
        }
        return -1;
    }

    private int liveChannels() {
        return byStream.size() + unassigned;
    }

    private int nextHandle() {
        int h = nextHandle;
        nextHandle = nextHandle == Integer.MAX_VALUE ? 1 : nextHandle + 1;
        return h;
    }

    private void consume(int bytes) {
        if (bytes > 0) {
            sctp.consumed(bytes);
        }
    }

    private void drop(String reason, int consumeBytes) {
        dropped.merge(reason, 1L, Long::sum);
        consume(consumeBytes);
        log.trace("{}dropped: {}", logPrefix, reason);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** UTF-8 of a W3C USVString: lone surrogates become U+FFFD (Java would write '?'). */
    private static byte[] encodeUsv(String s) {
        CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith(new byte[] {(byte) 0xef, (byte) 0xbf, (byte) 0xbd});
        try {
            ByteBuffer b = enc.encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("UTF-8 encoding with replacement failed", e);
        }
    }

    /** Internal invariants; tests and assertions call it after every entry point. */
    public boolean isConsistent() {
        int noStream = 0;
        for (Channel ch : byHandle.values()) {
            if (ch.detached || ch.state == DataChannelState.CLOSED) {
                return false;
            }
            if (ch.stream < 0) {
                noStream++;
            } else if (byStream.get(ch.stream) != ch) {
                return false;
            }
        }
        if (noStream != unassigned || usedStreams.cardinality() != byStream.size()) {
            return false;
        }
        for (Map.Entry<Integer, Channel> e : byStream.entrySet()) {
            Channel ch = e.getValue();
            if (ch.stream != e.getKey() || !usedStreams.get(ch.stream)) {
                return false;
            }
            if (ch.detached ? byHandle.containsKey(ch.handle) && byHandle.get(ch.handle) == ch
                    : byHandle.get(ch.handle) != ch) {
                return false;
            }
        }
        return liveChannels() <= 65535;
    }

    @Override
    public String toString() {
        return "DataChannelCore[" + byHandle.size() + " channels, " + byStream.size() + " streams"
                + (connected ? ", connected" : "") + (ended ? ", ended" : "") + "]";
    }

    private static final class Channel {
        final int handle;
        final String label;
        final boolean ordered;
        final Integer maxRetransmits;
        final Integer maxPacketLifeTime;
        final String protocol;
        final boolean negotiated;
        final int priority;

        int stream = -1;
        DataChannelState state = DataChannelState.CONNECTING;
        boolean remoteOpened;
        /** Something about this channel was sent on its stream: it must be reset to close. */
        boolean onWire;
        boolean awaitingAck;
        boolean implicitlyAcked;
        /** Closed for the application, still holding its stream until the resets complete. */
        boolean detached;
        boolean outgoingResetRequested;
        boolean outgoingReset;
        boolean incomingReset;
        int resetAttempts;

        long threshold;
        long lastBuffered;
        long appSinceDrain;

        long messagesSent;
        long bytesSent;
        long messagesReceived;
        long bytesReceived;

        ByteArrayOutputStream partial;
        boolean partialText;

        Channel(int handle, String label, boolean ordered, Integer maxRetransmits, Integer maxPacketLifeTime,
                String protocol, boolean negotiated, int priority) {
            this.handle = handle;
            this.label = label;
            this.ordered = ordered;
            this.maxRetransmits = maxRetransmits;
            this.maxPacketLifeTime = maxPacketLifeTime;
            this.protocol = protocol;
            this.negotiated = negotiated;
            this.priority = priority;
        }

        ChannelType channelType() {
            return ChannelType.of(ordered, maxRetransmits, maxPacketLifeTime);
        }

        long reliabilityParameter() {
            return maxRetransmits != null ? maxRetransmits : maxPacketLifeTime != null ? maxPacketLifeTime : 0;
        }

        Reliability reliability() {
            if (maxRetransmits != null) {
                return Reliability.maxRetransmits(maxRetransmits);
            }
            if (maxPacketLifeTime != null) {
                return Reliability.maxLifetime(maxPacketLifeTime);
            }
            return Reliability.RELIABLE;
        }

        ChannelInfo info() {
            return new ChannelInfo(label, ordered, maxRetransmits, maxPacketLifeTime, protocol, negotiated,
                    stream < 0 ? null : stream, priority);
        }

        DataChannelStats stats() {
            return new DataChannelStats(messagesSent, bytesSent, messagesReceived, bytesReceived);
        }
    }
}
