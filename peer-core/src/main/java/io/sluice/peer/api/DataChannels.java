package io.sluice.peer.api;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.peer.api.error.RTCError;
import io.sluice.peer.datachannel.ChannelInfo;
import io.sluice.peer.datachannel.DataChannelConfig;
import io.sluice.peer.datachannel.DataChannelCore;
import io.sluice.peer.datachannel.DataChannelEvent;
import io.sluice.peer.datachannel.DataChannelException;
import io.sluice.peer.datachannel.DcepMessage;
import io.sluice.peer.sctp.SctpAssociation;
import io.sluice.peer.sctp.SctpEvent;
import io.sluice.peer.sctp.SctpOptions;
import io.sluice.peer.time.RandomSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O shell of a peer connection's data channels: the SCTP association (over DTLS application
 * records) and the DCEP layer on it, driven on the peer's event loop the way {@link PeerTransport}
 * drives ICE: after every input, send what SCTP queued, hand the events to the W3C objects, re-arm
 * one timer.
 */
final class DataChannels implements RTCDataChannel.Backend {

    private static final Logger log = LoggerFactory.getLogger(DataChannels.class);

    /** What this layer reports to the peer connection. */
    interface Listener {
        /** The remote opened a channel (W3C {@code datachannel}). */
        void onDataChannel(RTCDataChannel channel);

        /** The SCTP transport changed state. */
        void onSctpState(RTCSctpTransportState state);

        /** Sends one SCTP packet as a DTLS application record. */
        boolean sendPacket(byte[] packet);

        /** A channel's listener threw. */
        void onListenerFailure(RTCDataChannel channel, RuntimeException failure);
    }

    private final EventLoop loop;
    private final RandomSource random;
    private final String logPrefix;
    private final Listener listener;
    private final SctpOptions sctpOptions;
    private final DataChannelConfig config;

    private SctpAssociation sctp;
    private DataChannelCore core;
    private final Map<Integer, RTCDataChannel> byHandle = new HashMap<>();
    private final Map<RTCDataChannel, Integer> handles = new HashMap<>();
    private final List<RTCDataChannel> waiting = new ArrayList<>();
    /** Messages of channels whose reading is paused, not yet consumed: they keep the SCTP window shut. */
    private final Map<Integer, java.util.ArrayDeque<DataChannelEvent.Message>> held = new HashMap<>();
    /** Channels with bytes still buffered: their bufferedAmount is refreshed after each drive. */
    private final java.util.Set<Integer> busy = new java.util.HashSet<>();
    private Long remoteMaxMessageSize;
    private int remoteSctpPort = Jsep.SCTP_PORT;
    private volatile long maxMessageSize = DataChannelCore.DEFAULT_REMOTE_MAX_MESSAGE_SIZE;
    private volatile Integer maxChannels;
    private boolean closed;
    private int opened;
    private int closedChannels;

    private ScheduledFuture<?> timer;
    private long timerDeadline = Long.MAX_VALUE;

    DataChannels(EventLoop loop, RandomSource random, String logPrefix, SctpOptions sctpOptions,
            DataChannelConfig config, Listener listener) {
        this.loop = loop;
        this.random = random;
        this.logPrefix = logPrefix;
        this.sctpOptions = sctpOptions;
        this.config = config;
        this.listener = listener;
    }

    boolean started() {
        return sctp != null;
    }

    /** The remote's SCTP port (a=sctp-port or the draft's a=sctpmap); used when the association starts. */
    void setRemoteSctpPort(int port) {
        remoteSctpPort = port;
    }

    /** The remote's a=max-message-size (null: absent, 65536 applies; 0: no limit). */
    void setRemoteMaxMessageSize(Long value) {
        remoteMaxMessageSize = value;
        if (value == null) {
            maxMessageSize = DataChannelCore.DEFAULT_REMOTE_MAX_MESSAGE_SIZE;
        } else {
            maxMessageSize = value == 0 ? Long.MAX_VALUE : value;
        }
        if (core != null) {
            core.setRemoteMaxMessageSize(value);
        }
    }

    long maxMessageSizeValue() {
        return maxMessageSize;
    }

    Integer maxChannels() {
        return maxChannels;
    }

    /** A channel created by the application: opened now if SCTP runs, else when it starts. */
    void add(RTCDataChannel channel) {
        channel.attach(this);
        if (closed) {
            channel.failed("the SCTP association has closed");
            return;
        }
        if (core == null) {
            waiting.add(channel);
            return;
        }
        open(channel);
        drive();
    }

    private void open(RTCDataChannel ch) {
        try {
            int handle = core.open(now(), ch.label(), ch.ordered(), ch.maxRetransmits(), ch.maxPacketLifeTime(),
                    ch.protocol(), ch.negotiated(), ch.negotiated() ? ch.id() : ch.id(), DcepMessage.PRIORITY_NORMAL);
            byHandle.put(handle, ch);
            handles.put(ch, handle);
            if (ch.bufferedAmountLowThreshold() > 0) {
                core.setBufferedAmountLowThreshold(handle, ch.bufferedAmountLowThreshold());
            }
        } catch (DataChannelException e) {
            ch.failed(e.getMessage());
        }
    }

    /**
     * DTLS is connected: the association starts (both sides send INIT, RFC 8841), with packets up to
     * the DTLS record limit.
     */
    void start(boolean dtlsClient, int mtu) {
        if (sctp != null || closed) {
            return;
        }
        sctp = new SctpAssociation(sctpOptions.withMtu(mtu).withRemotePort(remoteSctpPort)
                .withLogPrefix(logPrefix + "sctp: "), random);
        // Messages are consumed (the SCTP window reopens) only once delivered to the application, so
        // a channel whose reading is paused holds the remote back instead of buffering without bound.
        core = new DataChannelCore(sctp, config.withMaxBufferedAmount(Long.MAX_VALUE / 4).withAutoConsume(false),
                logPrefix + "dc: ");
        core.setRemoteMaxMessageSize(remoteMaxMessageSize);
        long now = now();
        core.setDtlsRole(now, dtlsClient);
        for (RTCDataChannel ch : waiting) {
            open(ch);
        }
        waiting.clear();
        listener.onSctpState(RTCSctpTransportState.CONNECTING);
        sctp.connect(now);
        drive();
    }

    /** One decrypted DTLS record. */
    void onPacket(byte[] packet) {
        if (sctp == null || closed) {
            return;
        }
        sctp.handlePacket(now(), packet, 0, packet.length);
        drive();
    }

    private void drive() {
        if (sctp == null) {
            return;
        }
        long now = now();
        // SCTP events first (they feed DCEP), then DCEP's, then SCTP's packets (DCEP may have queued some).
        for (int round = 0; round < 4; round++) {
            SctpEvent se;
            boolean any = false;
            while ((se = sctp.pollEvent()) != null) {
                any = true;
                if (se.kind() == SctpEvent.Kind.CONNECTED) {
                    core.handleSctpEvent(now, se);
                    maxChannels = core.maxChannels();
                    for (Map.Entry<Integer, RTCDataChannel> e : byHandle.entrySet()) {
                        Integer id = core.streamId(e.getKey());
                        if (id != null) {
                            e.getValue().assignId(id); // W3C: ids are chosen when SCTP connects
                        }
                    }
                    listener.onSctpState(RTCSctpTransportState.CONNECTED);
                    continue;
                } else if (se.kind() == SctpEvent.Kind.CLOSED) {
                    SctpEvent.Closed c = (SctpEvent.Closed) se;
                    log.debug("{}SCTP closed: {}", logPrefix, c.reason());
                    listener.onSctpState(RTCSctpTransportState.CLOSED);
                }
                core.handleSctpEvent(now, se);
            }
            DataChannelEvent de;
            while ((de = core.pollEvent()) != null) {
                any = true;
                dispatch(de);
            }
            byte[] p;
            while ((p = sctp.pollTransmit()) != null) {
                listener.sendPacket(p);
            }
            if (!any) {
                break;
            }
        }
        if (!busy.isEmpty()) {
            for (java.util.Iterator<Integer> it = busy.iterator(); it.hasNext();) {
                int handle = it.next();
                RTCDataChannel ch = byHandle.get(handle);
                long left = ch == null ? 0 : core.bufferedAmount(handle);
                if (ch != null) {
                    ch.layerBuffered(left);
                }
                if (left == 0) {
                    it.remove();
                }
            }
        }
        armTimer();
    }

    private void dispatch(DataChannelEvent e) {
        switch (e.kind()) {
            case CHANNEL_OPENED_BY_REMOTE: {
                DataChannelEvent.ChannelOpenedByRemote o = (DataChannelEvent.ChannelOpenedByRemote) e;
                ChannelInfo info = o.info();
                RTCDataChannel ch = RTCDataChannel.remote(info.label(), info.ordered(), info.maxPacketLifeTime(),
                        info.maxRetransmits(), info.protocol(), info.id(), this);
                byHandle.put(o.channel(), ch);
                handles.put(ch, o.channel());
                listener.onDataChannel(ch);
                break;
            }
            case OPEN: {
                int handle = ((DataChannelEvent.Open) e).channel();
                RTCDataChannel ch = byHandle.get(handle);
                if (ch != null) {
                    Integer id = core.streamId(handle);
                    if (id != null) {
                        ch.assignId(id);
                    }
                    ch.opened();
                    opened++;
                }
                break;
            }
            case MESSAGE: {
                DataChannelEvent.Message m = (DataChannelEvent.Message) e;
                RTCDataChannel ch = byHandle.get(m.channel());
                java.util.ArrayDeque<DataChannelEvent.Message> queue = held.get(m.channel());
                if (ch != null && (ch.readingPaused() || (queue != null && !queue.isEmpty()))) {
                    held.computeIfAbsent(m.channel(), k -> new java.util.ArrayDeque<>()).add(m);
                } else {
                    core.consumed(m);
                    if (ch != null) {
                        ch.received(!m.isText(), m.data());
                    }
                }
                break;
            }
            case BUFFERED_AMOUNT_LOW: {
                DataChannelEvent.BufferedAmountLow b = (DataChannelEvent.BufferedAmountLow) e;
                RTCDataChannel ch = byHandle.get(b.channel());
                if (ch != null) {
                    ch.bufferedAmountLow(b.bufferedAmount());
                }
                break;
            }
            case ERROR: {
                DataChannelEvent.Error err = (DataChannelEvent.Error) e;
                RTCDataChannel ch = byHandle.get(err.channel());
                if (ch != null) {
                    ch.error(new RTCError(err.errorDetail(), err.message(), null, null));
                }
                break;
            }
            case CLOSING: {
                RTCDataChannel ch = byHandle.get(((DataChannelEvent.Closing) e).channel());
                if (ch != null) {
                    ch.closing();
                }
                break;
            }
            case CLOSE: {
                DataChannelEvent.Close c = (DataChannelEvent.Close) e;
                busy.remove(c.channel());
                release(c.channel());
                RTCDataChannel ch = byHandle.remove(c.channel());
                if (ch != null) {
                    handles.remove(ch);
                    ch.layerBuffered(c.bufferedAmount());
                    ch.closed(null);
                    closedChannels++;
                }
                break;
            }
            default:
                break;
        }
    }

    private void armTimer() {
        if (sctp == null || closed) {
            return;
        }
        long deadline = sctp.nextDeadline();
        if (deadline == timerDeadline && timer != null && !timer.isDone()) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        timerDeadline = deadline;
        if (deadline == Long.MAX_VALUE) {
            return;
        }
        timer = loop.schedule(() -> {
            timer = null;
            timerDeadline = Long.MAX_VALUE;
            if (sctp != null && !closed) {
                sctp.handleTimeout(now());
                drive();
            }
        }, Math.max(0, deadline - now()), TimeUnit.NANOSECONDS);
    }

    // ---- RTCDataChannel.Backend (on the loop) -------------------------------------------------------

    @Override
    public void send(RTCDataChannel channel, boolean binary, byte[] payload) {
        Integer handle = handles.get(channel);
        if (handle == null || core == null) {
            return; // the channel closed meanwhile: W3C drops sends queued before close
        }
        try {
            if (binary) {
                core.send(now(), handle, payload);
            } else {
                core.send(now(), handle, new String(payload, java.nio.charset.StandardCharsets.UTF_8));
            }
            channel.layerBuffered(core.bufferedAmount(handle));
            busy.add(handle);
        } catch (DataChannelException e) {
            log.debug("{}send on '{}' refused: {}", logPrefix, channel.label(), e.getMessage());
        }
        drive();
    }

    @Override
    public void listenerFailed(RTCDataChannel channel, RuntimeException failure) {
        listener.onListenerFailure(channel, failure);
    }

    @Override
    public void close(RTCDataChannel channel) {
        Integer handle = handles.get(channel);
        if (handle == null || core == null) {
            waiting.remove(channel);
            channel.closed(null);
            return;
        }
        core.close(now(), handle);
        drive();
    }

    /** Reading resumed: the held messages go to the application, in order, until it pauses again. */
    @Override
    public void resumed(RTCDataChannel channel) {
        Integer handle = handles.get(channel);
        java.util.ArrayDeque<DataChannelEvent.Message> queue = handle == null ? null : held.get(handle);
        while (queue != null && !queue.isEmpty() && !channel.readingPaused()) {
            DataChannelEvent.Message m = queue.poll();
            core.consumed(m);
            channel.received(!m.isText(), m.data());
        }
        if (queue != null && queue.isEmpty()) {
            held.remove(handle);
        }
        drive(); // the reopened window goes out with the next SACK
    }

    /** A closed channel's held messages are dropped with it, and their bytes returned to the window. */
    private void release(int handle) {
        java.util.ArrayDeque<DataChannelEvent.Message> queue = held.remove(handle);
        if (queue != null) {
            for (DataChannelEvent.Message m : queue) {
                core.consumed(m);
            }
        }
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public long maxMessageSize() {
        return maxMessageSize;
    }

    @Override
    public void setBufferedAmountLowThreshold(RTCDataChannel channel, long threshold) {
        Integer handle = handles.get(channel);
        if (handle != null && core != null) {
            core.setBufferedAmountLowThreshold(handle, threshold);
        }
    }

    /** W3C "data-channel" stats of every channel the layer knows. */
    void collectStats(RTCStatsReport.Builder report, long timestamp) {
        if (core == null) {
            return;
        }
        for (Map.Entry<Integer, RTCDataChannel> e : byHandle.entrySet()) {
            RTCDataChannel ch = e.getValue();
            io.sluice.peer.datachannel.DataChannelStats st = core.stats(e.getKey());
            Map<String, Object> m = report.add("D" + e.getKey(), "data-channel", timestamp);
            m.put("label", ch.label());
            m.put("protocol", ch.protocol());
            m.put("dataChannelIdentifier", ch.id());
            m.put("state", ch.readyState().spec());
            if (st != null) {
                m.put("messagesSent", st.messagesSent());
                m.put("bytesSent", st.bytesSent());
                m.put("messagesReceived", st.messagesReceived());
                m.put("bytesReceived", st.bytesReceived());
            }
        }
    }

    /** Drops counted by SCTP and DCEP, as "layer:reason" → count. */
    void collectDrops(Map<String, Long> out) {
        if (sctp != null) {
            sctp.stats().drops().forEach((k, v) -> out.merge("sctp:" + k, v, Long::sum));
        }
        if (core != null) {
            core.dropped().forEach((k, v) -> out.merge("dcep:" + k, v, Long::sum));
        }
    }

    io.sluice.peer.sctp.SctpStats sctpStats() {
        return sctp == null ? null : sctp.stats();
    }

    int openedCount() {
        return opened;
    }

    int closedCount() {
        return closedChannels;
    }

    /** The peer connection closes: SCTP ABORT goes out, channels close without events (W3C close()). */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        for (RTCDataChannel ch : byHandle.values()) {
            ch.closedByPeerConnection();
        }
        for (RTCDataChannel ch : waiting) {
            ch.closedByPeerConnection();
        }
        if (sctp != null) {
            sctp.abort("peer connection closed", now());
            byte[] p;
            while ((p = sctp.pollTransmit()) != null) {
                listener.sendPacket(p);
            }
        }
        listener.onSctpState(RTCSctpTransportState.CLOSED);
    }

    private static long now() {
        return System.nanoTime();
    }
}
