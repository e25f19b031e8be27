package io.sluice.peer.sctp;

import io.sluice.peer.sctp.chunk.AbortChunk;
import io.sluice.peer.sctp.chunk.Chunk;
import io.sluice.peer.sctp.chunk.ChunkType;
import io.sluice.peer.sctp.chunk.CookieAckChunk;
import io.sluice.peer.sctp.chunk.CookieEchoChunk;
import io.sluice.peer.sctp.chunk.DataChunk;
import io.sluice.peer.sctp.chunk.ErrorCause;
import io.sluice.peer.sctp.chunk.ErrorChunk;
import io.sluice.peer.sctp.chunk.ForwardTsnChunk;
import io.sluice.peer.sctp.chunk.ForwardTsnSupportedParameter;
import io.sluice.peer.sctp.chunk.HeartbeatAckChunk;
import io.sluice.peer.sctp.chunk.HeartbeatChunk;
import io.sluice.peer.sctp.chunk.IDataChunk;
import io.sluice.peer.sctp.chunk.IForwardTsnChunk;
import io.sluice.peer.sctp.chunk.IncomingSsnResetRequestParameter;
import io.sluice.peer.sctp.chunk.InitAckChunk;
import io.sluice.peer.sctp.chunk.InitChunk;
import io.sluice.peer.sctp.chunk.InitFields;
import io.sluice.peer.sctp.chunk.OutgoingSsnResetRequestParameter;
import io.sluice.peer.sctp.chunk.Parameter;
import io.sluice.peer.sctp.chunk.ReConfigChunk;
import io.sluice.peer.sctp.chunk.ReconfigurationResponseParameter;
import io.sluice.peer.sctp.chunk.SackChunk;
import io.sluice.peer.sctp.chunk.SctpPacket;
import io.sluice.peer.sctp.chunk.ShutdownAckChunk;
import io.sluice.peer.sctp.chunk.ShutdownChunk;
import io.sluice.peer.sctp.chunk.ShutdownCompleteChunk;
import io.sluice.peer.sctp.chunk.StateCookieParameter;
import io.sluice.peer.sctp.chunk.SupportedExtensionsParameter;
import io.sluice.peer.sctp.chunk.UnknownChunk;
import io.sluice.peer.sctp.chunk.UnknownParameter;
import io.sluice.peer.time.RandomSource;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SCTP association (RFC 9260) as WebRTC runs it over DTLS (RFC 8261, RFC 8841): one address,
 * no multihoming, with partial reliability (RFC 3758), stream reset (RFC 6525) and message
 * interleaving (RFC 8260). Sans-IO: see {@link SctpCore}.
 *
 * <pre>
 *                      connect()                          INIT received (stateless INIT-ACK)
 *   CLOSED ---------------------------> COOKIE_WAIT          CLOSED ------.
 *                  INIT-ACK / COOKIE-ECHO |                              | valid COOKIE-ECHO / COOKIE-ACK
 *                                         v                              v
 *                                   COOKIE_ECHOED --COOKIE-ACK--> ESTABLISHED
 *   shutdown(): ESTABLISHED -> SHUTDOWN_PENDING -(all acked)-> SHUTDOWN_SENT -SHUTDOWN-ACK-> closed
 *   SHUTDOWN received: -> SHUTDOWN_RECEIVED -(all acked)-> SHUTDOWN_ACK_SENT -SHUTDOWN-COMPLETE-> closed
 * </pre>
 * Both sides may call {@link #connect} (RFC 9260 §5.2.1 INIT collision): each answers the other's
 * INIT with its own tag and the association forms once.
 */
public final class SctpAssociation implements SctpCore {

    private static final Logger LOG = LoggerFactory.getLogger(SctpAssociation.class);
    private static final long MS = 1_000_000L;

    /** Internal states of RFC 9260 §4. */
    enum State {
        CLOSED, COOKIE_WAIT, COOKIE_ECHOED, ESTABLISHED, SHUTDOWN_PENDING, SHUTDOWN_SENT, SHUTDOWN_RECEIVED,
        SHUTDOWN_ACK_SENT
    }

    private final SctpOptions options;
    private final RandomSource random;
    private final Mac mac;
    private final String log;
    private final TimerTable timers = new TimerTable();
    private final RtoEstimator rto;
    private final ArrayDeque<byte[]> transmits = new ArrayDeque<>();
    private final ArrayDeque<SctpEvent> events = new ArrayDeque<>();
    private final ArrayDeque<Chunk> control = new ArrayDeque<>();
    private final SctpStats.Counters stats = new SctpStats.Counters();

    private State state = State.CLOSED;
    private boolean started;
    private boolean terminated;
    private long now;

    // Tags and negotiated features (valid from COOKIE_WAIT / establishment on).
    private int myTag;
    private int myInitialTsn;
    private int peerTag;
    private boolean peerTagKnown;
    private int outboundStreams;
    private int inboundStreams;
    private boolean forwardTsn;
    private boolean reconfig;
    private boolean interleaving;
    private byte[] cookieEcho;
    private InitChunk initSent;

    // Heartbeat (§8.3).
    private long heartbeatNonce;
    private long heartbeatSentAt;
    private boolean heartbeatOutstanding;

    /** Consecutive unanswered retransmissions and heartbeats (§8.1). */
    private int errorCount;

    private final Sender sender;
    private final Receiver receiver;

    // RE-CONFIG (RFC 6525).
    private int nextReconfigSeq;
    private int peerNextReconfigSeq;
    private boolean peerReconfigSeqKnown;
    private int lastPeerReconfigResult = ReconfigurationResponseParameter.SUCCESS_PERFORMED;
    private OutgoingSsnResetRequestParameter pendingResetRequest;
    private final List<Integer> resetQueue = new ArrayList<>();

    public SctpAssociation(SctpOptions options, RandomSource random) {
        this.options = options;
        this.random = random;
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        this.mac = StateCookie.newMac(secret);
        this.log = options.logPrefix();
        this.rto = new RtoEstimator(options.rtoInitialMillis() * MS, options.rtoMinMillis() * MS,
                options.rtoMaxMillis() * MS);
        this.sender = new Sender(this, options);
        this.receiver = new Receiver(this, options);
    }

    // ---- SctpCore inputs ----------------------------------------------------------------------

    @Override
    public void connect(long nowNanos) {
        now = nowNanos;
        if (started || terminated) {
            return;
        }
        started = true;
        myTag = nonZeroTag();
        myInitialTsn = random.nextInt(Integer.MAX_VALUE);
        initSent = new InitChunk(myTag, options.receiveWindow(), options.streams(), options.streams(), myInitialTsn,
                initParameters());
        setState(State.COOKIE_WAIT, "connect()");
        sendInit();
        timers.start(SctpTimer.T1_INIT, now + rto.rto());
        flush();
        assert isConsistent();
    }

    @Override
    public void handlePacket(long nowNanos, byte[] packet, int offset, int length) {
        now = nowNanos;
        if (terminated) {
            stats.drop("closed");
            return;
        }
        SctpPacket p;
        try {
            p = SctpPacket.parse(packet, offset, length);
        } catch (MalformedPacketException e) {
            stats.drop(e.reason().startsWith("bad CRC") ? "checksum" : "malformed");
            LOG.trace("{}drop malformed packet: {}", log, e.getMessage());
            return;
        }
        stats.packetsReceived++;
        if (p.destinationPort() != options.localPort() || p.sourcePort() != options.remotePort()) {
            stats.drop("port");
            return;
        }
        receivePacket(p);
        flush();
        assert isConsistent();
    }

    @Override
    public void handleTimeout(long nowNanos) {
        now = nowNanos;
        SctpTimer t;
        while (!terminated && (t = timers.due(now)) != null) {
            onTimer(t);
        }
        flush();
        assert isConsistent();
    }

    @Override
    public SendResult send(int streamId, int ppid, byte[] payload, boolean unordered, Reliability reliability,
            long nowNanos) {
        now = nowNanos;
        if (payload.length == 0) {
            throw new IllegalArgumentException("SCTP cannot carry empty messages (RFC 8831 sends one byte instead)");
        }
        if (state != State.ESTABLISHED || terminated) {
            return SendResult.NOT_CONNECTED;
        }
        if (streamId < 0 || streamId >= outboundStreams) {
            return SendResult.BAD_STREAM;
        }
        if (payload.length > options.maxMessageSize()) {
            return SendResult.TOO_LARGE;
        }
        SendResult r = sender.enqueue(streamId, ppid, payload, unordered, reliability, now);
        if (r == SendResult.OK) {
            flush();
        }
        assert isConsistent();
        return r;
    }

    @Override
    public void resetStreams(int[] streamIds, long nowNanos) {
        now = nowNanos;
        if (terminated || !reconfig || state.ordinal() < State.ESTABLISHED.ordinal()) {
            if (!terminated && state == State.ESTABLISHED) {
                events.add(new SctpEvent.StreamsResetOutgoing(streamIds.clone(), false));
            }
            return;
        }
        for (int sid : streamIds) {
            if (sid >= 0 && sid < outboundStreams && sender.markResetting(sid)) {
                resetQueue.add(sid);
            }
        }
        flush();
        assert isConsistent();
    }

    @Override
    public void shutdown(long nowNanos) {
        now = nowNanos;
        if (terminated) {
            return;
        }
        switch (state) {
            case CLOSED:
            case COOKIE_WAIT:
            case COOKIE_ECHOED:
                terminate("shutdown before establishment", false);
                break;
            case ESTABLISHED:
                setState(State.SHUTDOWN_PENDING, "shutdown()");
                maybeShutdown();
                break;
            default:
                break;
        }
        flush();
        assert isConsistent();
    }

    @Override
    public void abort(String reason, long nowNanos) {
        now = nowNanos;
        if (terminated) {
            return;
        }
        if (peerTagKnown) {
            sendAbort(ErrorCause.userInitiatedAbort(reason == null ? "" : reason));
        }
        terminate("aborted: " + reason, false);
        assert isConsistent();
    }

    @Override
    public void consumed(int bytes) {
        if (bytes <= 0 || terminated) {
            return;
        }
        if (receiver.consumed(bytes)) {
            flush();
        }
        assert isConsistent();
    }

    // ---- SctpCore outputs ---------------------------------------------------------------------

    @Override
    public byte[] pollTransmit() {
        byte[] b = transmits.poll();
        if (b != null) {
            stats.packetsSent++;
        }
        return b;
    }

    @Override
    public SctpEvent pollEvent() {
        return events.poll();
    }

    @Override
    public long nextDeadline() {
        return terminated ? Long.MAX_VALUE : timers.next();
    }

    /** Why {@link #nextDeadline()} is what it is, for logs; null when no timer runs. */
    public SctpTimer nextDeadlineReason() {
        return terminated ? null : timers.nextReason();
    }

    @Override
    public SctpState state() {
        if (terminated) {
            return SctpState.CLOSED;
        }
        switch (state) {
            case CLOSED:
                return started ? SctpState.CONNECTING : SctpState.NEW;
            case COOKIE_WAIT:
            case COOKIE_ECHOED:
                return SctpState.CONNECTING;
            default:
                return SctpState.CONNECTED;
        }
    }

    @Override
    public long bufferedAmount(int streamId) {
        return sender.bufferedAmount(streamId);
    }

    @Override
    public int maxOutboundStreams() {
        return outboundStreams;
    }

    @Override
    public int maxInboundStreams() {
        return inboundStreams;
    }

    /** Counters and congestion state, a snapshot. */
    public SctpStats stats() {
        return stats.snapshot(sender.cwnd(), sender.ssthresh(), sender.flightSize(), sender.peerRwnd(),
                receiver.advertisedWindow(), rto.srtt(), rto.rto(), sender.totalBuffered(), interleaving);
    }

    /** Whether the peer and we both offered I-DATA (RFC 8260). */
    public boolean interleaving() {
        return interleaving;
    }

    public SctpOptions options() {
        return options;
    }

    // ---- packet processing --------------------------------------------------------------------

    private void receivePacket(SctpPacket p) {
        List<Chunk> chunks = p.chunks();
        Chunk first = chunks.get(0);
        int tag = p.verificationTag();
        if (first.type() == ChunkType.INIT) {
            // §8.5.1 A: INIT alone, tag zero.
            if (chunks.size() != 1 || tag != 0) {
                stats.drop("init-bundled");
                return;
            }
            onInit((InitChunk) first);
            return;
        }
        boolean tagOk;
        if (first.type() == ChunkType.ABORT && ((AbortChunk) first).tBit()
                || first.type() == ChunkType.SHUTDOWN_COMPLETE && ((ShutdownCompleteChunk) first).tBit()) {
            tagOk = peerTagKnown && tag == peerTag;
        } else if (first.type() == ChunkType.COOKIE_ECHO) {
            tagOk = true; // checked against the cookie
        } else if (first.type() == ChunkType.SHUTDOWN_ACK && !peerTagKnown) {
            // §8.4 5: out of the blue SHUTDOWN-ACK: answer SHUTDOWN-COMPLETE with the T bit.
            control.add(new ShutdownCompleteChunk(true));
            flushWithTag(tag);
            return;
        } else {
            tagOk = (state != State.CLOSED || started) && tag == myTag && myTag != 0;
        }
        if (!tagOk) {
            stats.drop("verification-tag");
            return;
        }
        boolean hadData = false;
        for (Chunk c : chunks) {
            if (terminated) {
                return;
            }
            int type = c.type();
            switch (type) {
                case ChunkType.DATA:
                case ChunkType.I_DATA:
                    if (state.ordinal() < State.ESTABLISHED.ordinal()) {
                        stats.drop("data-before-established");
                        continue;
                    }
                    if ((type == ChunkType.I_DATA) != interleaving) {
                        stats.drop("data-kind");
                        continue;
                    }
                    hadData = true;
                    if (type == ChunkType.DATA) {
                        receiver.onData((DataChunk) c);
                    } else {
                        receiver.onIData((IDataChunk) c);
                    }
                    break;
                case ChunkType.SACK:
                    if (state.ordinal() >= State.ESTABLISHED.ordinal()) {
                        sender.onSack((SackChunk) c, now);
                        afterAck();
                    }
                    break;
                case ChunkType.INIT_ACK:
                    onInitAck((InitAckChunk) c);
                    break;
                case ChunkType.COOKIE_ECHO:
                    if (c != first || !onCookieEcho((CookieEchoChunk) c, tag)) {
                        return;
                    }
                    break;
                case ChunkType.COOKIE_ACK:
                    onCookieAck();
                    break;
                case ChunkType.HEARTBEAT:
                    if (state.ordinal() >= State.ESTABLISHED.ordinal()) {
                        control.add(new HeartbeatAckChunk(((HeartbeatChunk) c).info()));
                    }
                    break;
                case ChunkType.HEARTBEAT_ACK:
                    onHeartbeatAck((HeartbeatAckChunk) c);
                    break;
                case ChunkType.ABORT:
                    terminate("peer aborted: " + ((AbortChunk) c).describe(), true);
                    return;
                case ChunkType.ERROR:
                    for (ErrorCause cause : ((ErrorChunk) c).causes()) {
                        LOG.debug("{}peer reports error: {}", log, cause.describe());
                    }
                    stats.errorsReceived++;
                    break;
                case ChunkType.SHUTDOWN:
                    onShutdown((ShutdownChunk) c);
                    break;
                case ChunkType.SHUTDOWN_ACK:
                    onShutdownAck();
                    break;
                case ChunkType.SHUTDOWN_COMPLETE:
                    if (state == State.SHUTDOWN_ACK_SENT) {
                        terminate("shutdown complete", false);
                    }
                    return;
                case ChunkType.FORWARD_TSN:
                    if (forwardTsn && !interleaving && state.ordinal() >= State.ESTABLISHED.ordinal()) {
                        receiver.onForwardTsn((ForwardTsnChunk) c);
                    } else {
                        stats.drop("forward-tsn-unexpected");
                    }
                    break;
                case ChunkType.I_FORWARD_TSN:
                    if (forwardTsn && interleaving && state.ordinal() >= State.ESTABLISHED.ordinal()) {
                        receiver.onIForwardTsn((IForwardTsnChunk) c);
                    } else {
                        stats.drop("forward-tsn-unexpected");
                    }
                    break;
                case ChunkType.RE_CONFIG:
                    if (state.ordinal() >= State.ESTABLISHED.ordinal()) {
                        onReConfig((ReConfigChunk) c);
                    }
                    break;
                case ChunkType.INIT:
                    stats.drop("init-bundled");
                    return;
                default:
                    if (c instanceof UnknownChunk) {
                        UnknownChunk u = (UnknownChunk) c;
                        stats.drop("unknown-chunk");
                        if (u.report()) {
                            control.add(new ErrorChunk(List.of(ErrorCause.unrecognizedChunk(u.encoded()))));
                        }
                        if (u.stopProcessing()) {
                            return;
                        }
                    }
                    break;
            }
        }
        if (hadData) {
            receiver.afterDataPacket(now);
        }
    }

    // ---- handshake (§5) -----------------------------------------------------------------------

    private List<Parameter> initParameters() {
        List<Parameter> params = new ArrayList<>(2);
        int[] ext = options.enableInterleaving()
                ? new int[] {ChunkType.FORWARD_TSN, ChunkType.RE_CONFIG, ChunkType.I_DATA, ChunkType.I_FORWARD_TSN}
                : new int[] {ChunkType.FORWARD_TSN, ChunkType.RE_CONFIG};
        params.add(new ForwardTsnSupportedParameter());
        params.add(new SupportedExtensionsParameter(ext));
        return params;
    }

    private int nonZeroTag() {
        int t;
        do {
            t = (int) random.nextLong();
        } while (t == 0);
        return t;
    }

    private void sendInit() {
        control.add(initSent);
        flushWithTag(0);
    }

    private void onInit(InitChunk init) {
        if (init.initiateTag() == 0 || init.outboundStreams() == 0 || init.inboundStreams() == 0) {
            // §3.3.2: invalid mandatory parameters: ABORT, with the INIT's tag.
            control.add(new AbortChunk(false, List.of(new ErrorCause(ErrorCause.INVALID_MANDATORY_PARAMETER,
                    new byte[0]))));
            flushWithTag(init.initiateTag());
            stats.drop("init-invalid");
            return;
        }
        int tag;
        int tsn;
        switch (state) {
            case CLOSED:
                // Stateless: a fresh tag, remembered only in the cookie.
                tag = nonZeroTag();
                tsn = random.nextInt(Integer.MAX_VALUE);
                break;
            case COOKIE_WAIT:
            case COOKIE_ECHOED:
                // §5.2.1: INIT collision: answer with the parameters of our own INIT.
                tag = myTag;
                tsn = myInitialTsn;
                break;
            default:
                // No restart support (§5.2.2): a data channel association is not restarted.
                stats.drop("init-when-established");
                return;
        }
        InitFields f = init.fields();
        int features = (f.forwardTsnSupported() ? StateCookie.FEATURE_FORWARD_TSN : 0)
                | (f.supports(ChunkType.RE_CONFIG) ? StateCookie.FEATURE_RECONFIG : 0)
                | (f.supports(ChunkType.I_DATA) && f.supports(ChunkType.I_FORWARD_TSN)
                        ? StateCookie.FEATURE_INTERLEAVING : 0);
        StateCookie cookie = new StateCookie(tag, tsn, init.initiateTag(), init.initialTsn(), init.aRwnd(),
                init.outboundStreams(), init.inboundStreams(), features, now);
        List<Parameter> params = new ArrayList<>(initParameters());
        params.add(new StateCookieParameter(cookie.sign(mac)));
        List<Parameter> unrecognized = unrecognizedParameters(f.parameters());
        params.addAll(unrecognized);
        control.add(new InitAckChunk(tag, options.receiveWindow(), options.streams(), options.streams(), tsn, params));
        flushWithTag(init.initiateTag());
        LOG.debug("{}INIT received in {}: INIT-ACK sent", log, state);
    }

    /** Unknown INIT parameters whose type asks for a report (§3.2.1), as Unrecognized Parameter (8). */
    private static List<Parameter> unrecognizedParameters(List<Parameter> params) {
        List<Parameter> out = new ArrayList<>(0);
        for (Parameter p : params) {
            if (p instanceof UnknownParameter && (p.type() & 0x4000) != 0 && out.size() < 4) {
                ByteWriter w = new ByteWriter(p.paddedLength());
                p.writeTo(w);
                out.add(new UnknownParameter(Parameter.UNRECOGNIZED_PARAMETER, w.toByteArray()));
            }
            if (p instanceof UnknownParameter && (p.type() & 0x8000) == 0) {
                break; // 00 and 01: stop processing further parameters
            }
        }
        return out;
    }

    private void onInitAck(InitAckChunk ack) {
        if (state != State.COOKIE_WAIT) {
            stats.drop("init-ack-unexpected");
            return;
        }
        byte[] cookie = ack.stateCookie();
        if (cookie == null || ack.initiateTag() == 0 || ack.outboundStreams() == 0 || ack.inboundStreams() == 0) {
            stats.drop("init-ack-invalid");
            return;
        }
        InitFields f = ack.fields();
        adoptPeer(ack.initiateTag(), ack.initialTsn(), ack.aRwnd(), ack.outboundStreams(), ack.inboundStreams(),
                f.forwardTsnSupported(), f.supports(ChunkType.RE_CONFIG),
                f.supports(ChunkType.I_DATA) && f.supports(ChunkType.I_FORWARD_TSN));
        cookieEcho = cookie;
        timers.stop(SctpTimer.T1_INIT);
        setState(State.COOKIE_ECHOED, "INIT-ACK received");
        control.add(new CookieEchoChunk(cookieEcho));
        timers.start(SctpTimer.T1_COOKIE, now + rto.rto());
    }

    private boolean onCookieEcho(CookieEchoChunk echo, int packetTag) {
        StateCookie c = StateCookie.verify(mac, echo.cookie());
        if (c == null) {
            stats.drop("cookie-invalid");
            return false;
        }
        if (packetTag != c.myTag()) {
            stats.drop("verification-tag");
            return false;
        }
        if (now - c.createdAtNanos() > options.cookieLifetimeMillis() * MS || now < c.createdAtNanos()) {
            stats.drop("cookie-stale");
            control.add(new ErrorChunk(List.of(new ErrorCause(ErrorCause.STALE_COOKIE, new byte[4]))));
            flushWithTag(c.peerTag());
            return false;
        }
        boolean establish;
        switch (state) {
            case CLOSED:
                myTag = c.myTag();
                myInitialTsn = c.myInitialTsn();
                establish = true;
                break;
            case COOKIE_WAIT:
            case COOKIE_ECHOED:
                // §5.2.4 case B/D: our own tag in the cookie.
                establish = c.myTag() == myTag;
                break;
            default:
                // Established: a retransmitted COOKIE-ECHO (our COOKIE-ACK was lost) gets another COOKIE-ACK.
                if (c.myTag() == myTag && c.peerTag() == peerTag) {
                    control.add(new CookieAckChunk());
                    return true;
                }
                stats.drop("cookie-mismatch");
                return false;
        }
        if (!establish) {
            stats.drop("cookie-mismatch");
            return false;
        }
        int f = c.peerFeatures();
        adoptPeer(c.peerTag(), c.peerInitialTsn(), c.peerRwnd(), c.peerOutboundStreams(), c.peerInboundStreams(),
                (f & StateCookie.FEATURE_FORWARD_TSN) != 0, (f & StateCookie.FEATURE_RECONFIG) != 0,
                (f & StateCookie.FEATURE_INTERLEAVING) != 0);
        control.add(new CookieAckChunk());
        established("COOKIE-ECHO received");
        return true;
    }

    private void onCookieAck() {
        if (state == State.COOKIE_ECHOED) {
            established("COOKIE-ACK received");
        }
    }

    private void adoptPeer(int tag, int initialTsn, long rwnd, int peerOs, int peerMis, boolean fwd, boolean reconf,
            boolean idata) {
        peerTag = tag;
        peerTagKnown = true;
        outboundStreams = Math.min(options.streams(), peerMis);
        inboundStreams = Math.min(options.streams(), peerOs);
        forwardTsn = fwd;
        reconfig = reconf;
        interleaving = idata && options.enableInterleaving();
        receiver.init(initialTsn);
        sender.init(myInitialTsn, rwnd, interleaving);
        peerNextReconfigSeq = initialTsn;
        peerReconfigSeqKnown = true;
        nextReconfigSeq = myInitialTsn;
    }

    private void established(String why) {
        timers.stop(SctpTimer.T1_INIT);
        timers.stop(SctpTimer.T1_COOKIE);
        started = true;
        setState(State.ESTABLISHED, why);
        errorCount = 0;
        events.add(new SctpEvent.Connected(outboundStreams, inboundStreams));
        LOG.debug("{}established: streams out={} in={} forward-tsn={} reconfig={} interleaving={}", log,
                outboundStreams, inboundStreams, forwardTsn, reconfig, interleaving);
        restartHeartbeat();
    }

    // ---- heartbeat (§8.3) ---------------------------------------------------------------------

    private void restartHeartbeat() {
        if (options.heartbeatIntervalMillis() > 0) {
            timers.start(SctpTimer.HEARTBEAT, now + options.heartbeatIntervalMillis() * MS + rto.rto());
        }
    }

    private void sendHeartbeat() {
        if (heartbeatOutstanding) {
            stats.heartbeatsUnanswered++;
            if (++errorCount > options.maxRetransmits()) {
                fail("peer unreachable: heartbeats unanswered");
                return;
            }
            rto.backoff();
        }
        heartbeatNonce = random.nextLong();
        heartbeatSentAt = now;
        heartbeatOutstanding = true;
        byte[] info = new byte[16];
        long n = heartbeatNonce;
        long t = now;
        for (int i = 0; i < 8; i++) {
            info[i] = (byte) (t >>> (56 - 8 * i));
            info[8 + i] = (byte) (n >>> (56 - 8 * i));
        }
        control.add(new HeartbeatChunk(info));
        stats.heartbeatsSent++;
        restartHeartbeat();
    }

    private void onHeartbeatAck(HeartbeatAckChunk ack) {
        byte[] info = ack.info();
        if (!heartbeatOutstanding || info.length != 16) {
            return;
        }
        long n = 0;
        for (int i = 0; i < 8; i++) {
            n = (n << 8) | (info[8 + i] & 0xff);
        }
        if (n != heartbeatNonce) {
            stats.drop("heartbeat-ack-unknown");
            return;
        }
        heartbeatOutstanding = false;
        errorCount = 0;
        rto.measure(now - heartbeatSentAt);
    }

    // ---- shutdown (§9.2) ----------------------------------------------------------------------

    private void maybeShutdown() {
        if (!sender.allAcked()) {
            return;
        }
        if (state == State.SHUTDOWN_PENDING) {
            setState(State.SHUTDOWN_SENT, "all data acknowledged");
            control.add(new ShutdownChunk(receiver.cumulativeTsn()));
            timers.start(SctpTimer.T2_SHUTDOWN, now + rto.rto());
        } else if (state == State.SHUTDOWN_RECEIVED) {
            setState(State.SHUTDOWN_ACK_SENT, "all data acknowledged");
            control.add(new ShutdownAckChunk());
            timers.start(SctpTimer.T2_SHUTDOWN, now + rto.rto());
        }
    }

    private void onShutdown(ShutdownChunk s) {
        switch (state) {
            case ESTABLISHED:
            case SHUTDOWN_PENDING:
                sender.onCumulativeAck(s.cumulativeTsnAck(), now);
                setState(State.SHUTDOWN_RECEIVED, "SHUTDOWN received");
                afterAck();
                maybeShutdown();
                break;
            case SHUTDOWN_RECEIVED:
                sender.onCumulativeAck(s.cumulativeTsnAck(), now);
                afterAck();
                maybeShutdown();
                break;
            case SHUTDOWN_SENT:
                // Both sides shut down at once (§9.2): answer with SHUTDOWN-ACK.
                setState(State.SHUTDOWN_ACK_SENT, "SHUTDOWN received in SHUTDOWN-SENT");
                control.add(new ShutdownAckChunk());
                timers.start(SctpTimer.T2_SHUTDOWN, now + rto.rto());
                break;
            default:
                break;
        }
    }

    private void onShutdownAck() {
        if (state == State.SHUTDOWN_SENT || state == State.SHUTDOWN_ACK_SENT) {
            control.add(new ShutdownCompleteChunk(false));
            flush();
            terminate("shutdown complete", false);
        } else if (state == State.COOKIE_WAIT || state == State.COOKIE_ECHOED) {
            control.add(new ShutdownCompleteChunk(true));
            flush();
        }
    }

    // ---- RE-CONFIG (RFC 6525) -----------------------------------------------------------------

    private void onReConfig(ReConfigChunk chunk) {
        if (!reconfig) {
            stats.drop("reconfig-not-negotiated");
            return;
        }
        List<Parameter> responses = new ArrayList<>(2);
        for (Parameter p : chunk.parameters()) {
            if (p instanceof OutgoingSsnResetRequestParameter) {
                OutgoingSsnResetRequestParameter r = (OutgoingSsnResetRequestParameter) p;
                responses.add(ReconfigurationResponseParameter.of(r.requestSeq(), onPeerResetRequest(r)));
            } else if (p instanceof IncomingSsnResetRequestParameter) {
                IncomingSsnResetRequestParameter r = (IncomingSsnResetRequestParameter) p;
                int result = checkPeerSeq(r.requestSeq());
                if (result < 0) {
                    peerNextReconfigSeq++;
                    resetStreams(r.streamIds(), now);
                    result = ReconfigurationResponseParameter.SUCCESS_NOTHING_TO_DO;
                    lastPeerReconfigResult = result;
                }
                responses.add(ReconfigurationResponseParameter.of(r.requestSeq(), result));
            } else if (p instanceof ReconfigurationResponseParameter) {
                onResetResponse((ReconfigurationResponseParameter) p);
            } else if (p instanceof UnknownParameter && p.type() >= Parameter.SSN_TSN_RESET_REQUEST
                    && p.type() <= Parameter.ADD_INCOMING_STREAMS_REQUEST && p.paddedLength() >= 8) {
                byte[] v = ((UnknownParameter) p).value();
                int seq = ((v[0] & 0xff) << 24) | ((v[1] & 0xff) << 16) | ((v[2] & 0xff) << 8) | (v[3] & 0xff);
                int result = checkPeerSeq(seq);
                if (result < 0) {
                    peerNextReconfigSeq++;
                    result = ReconfigurationResponseParameter.DENIED;
                    lastPeerReconfigResult = result;
                }
                responses.add(ReconfigurationResponseParameter.of(seq, result));
            }
        }
        if (!responses.isEmpty()) {
            for (Parameter r : responses) {
                control.add(new ReConfigChunk(List.of(r)));
            }
        }
    }

    /** -1 when {@code seq} is the next expected request; else the response to give right away. */
    private int checkPeerSeq(int seq) {
        if (seq == peerNextReconfigSeq) {
            return -1;
        }
        if (seq == peerNextReconfigSeq - 1) {
            return lastPeerReconfigResult; // a retransmission of the last request
        }
        return ReconfigurationResponseParameter.ERROR_BAD_SEQUENCE_NUMBER;
    }

    private int onPeerResetRequest(OutgoingSsnResetRequestParameter r) {
        int early = checkPeerSeq(r.requestSeq());
        if (early >= 0 && r.requestSeq() != peerNextReconfigSeq) {
            return early;
        }
        // RFC 6525 §5.2.2: only once everything up to the sender's last TSN has arrived.
        if (!receiver.hasReceivedThrough(r.senderLastTsn())) {
            return ReconfigurationResponseParameter.IN_PROGRESS;
        }
        int[] ids = receiver.resetStreams(r.streamIds());
        peerNextReconfigSeq++;
        lastPeerReconfigResult = ReconfigurationResponseParameter.SUCCESS_PERFORMED;
        events.add(new SctpEvent.StreamsResetIncoming(ids));
        LOG.debug("{}peer reset {} incoming streams", log, ids.length);
        return ReconfigurationResponseParameter.SUCCESS_PERFORMED;
    }

    private void onResetResponse(ReconfigurationResponseParameter r) {
        OutgoingSsnResetRequestParameter req = pendingResetRequest;
        if (req == null || r.responseSeq() != req.requestSeq()) {
            return;
        }
        int result = r.result();
        if (result == ReconfigurationResponseParameter.IN_PROGRESS) {
            // Ask again after an RTO (the RECONFIG timer keeps running).
            timers.start(SctpTimer.RECONFIG, now + rto.rto());
            return;
        }
        timers.stop(SctpTimer.RECONFIG);
        pendingResetRequest = null;
        boolean ok = result == ReconfigurationResponseParameter.SUCCESS_PERFORMED
                || result == ReconfigurationResponseParameter.SUCCESS_NOTHING_TO_DO;
        sender.finishReset(req.streamIds(), ok);
        events.add(new SctpEvent.StreamsResetOutgoing(req.streamIds(), ok));
        LOG.debug("{}outgoing reset of {} streams: {}", log, req.streamIds().length, ok ? "done" : "refused");
    }

    private void maybeSendResetRequest() {
        if (pendingResetRequest != null || resetQueue.isEmpty() || state != State.ESTABLISHED) {
            return;
        }
        // Streams go once all their queued messages have been sent (RFC 8831 §6.7).
        List<Integer> ready = new ArrayList<>();
        for (int i = 0; i < resetQueue.size(); ) {
            int sid = resetQueue.get(i);
            if (sender.unsentOn(sid)) {
                i++;
            } else {
                ready.add(sid);
                resetQueue.remove(i);
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        int[] ids = new int[Math.min(ready.size(), (options.mtu() - 64) / 2)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ready.get(i);
        }
        for (int i = ids.length; i < ready.size(); i++) {
            resetQueue.add(ready.get(i));
        }
        pendingResetRequest = new OutgoingSsnResetRequestParameter(nextReconfigSeq++, peerNextReconfigSeq - 1,
                sender.lastAssignedTsn(), ids);
        control.add(new ReConfigChunk(List.of(pendingResetRequest)));
        timers.start(SctpTimer.RECONFIG, now + rto.rto());
    }

    // ---- timers -------------------------------------------------------------------------------

    private void onTimer(SctpTimer t) {
        int n = timers.expired(t);
        switch (t) {
            case T1_INIT:
                if (n > options.maxInitRetransmits()) {
                    fail("INIT retransmissions exhausted");
                    return;
                }
                rto.backoff();
                control.add(initSent);
                flushWithTag(0);
                timers.start(t, now + rto.rto());
                break;
            case T1_COOKIE:
                if (n > options.maxInitRetransmits()) {
                    fail("COOKIE-ECHO retransmissions exhausted");
                    return;
                }
                rto.backoff();
                control.add(new CookieEchoChunk(cookieEcho));
                timers.start(t, now + rto.rto());
                break;
            case T2_SHUTDOWN:
                if (++errorCount > options.maxRetransmits()) {
                    fail("SHUTDOWN retransmissions exhausted");
                    return;
                }
                rto.backoff();
                if (state == State.SHUTDOWN_SENT) {
                    control.add(new ShutdownChunk(receiver.cumulativeTsn()));
                } else if (state == State.SHUTDOWN_ACK_SENT) {
                    control.add(new ShutdownAckChunk());
                }
                timers.start(t, now + rto.rto());
                break;
            case T3_RTX:
                stats.t3Expiries++;
                LOG.debug("{}T3-rtx expired ({} in a row): {}", log, errorCount + 1, sender);
                if (++errorCount > options.maxRetransmits()) {
                    fail("DATA retransmissions exhausted");
                    return;
                }
                rto.backoff();
                sender.onT3Expired(now);
                break;
            case DELAYED_ACK:
                receiver.ackNow();
                break;
            case HEARTBEAT:
                if (state.ordinal() >= State.ESTABLISHED.ordinal()) {
                    sendHeartbeat();
                }
                break;
            case RECONFIG:
                if (pendingResetRequest != null) {
                    if (++errorCount > options.maxRetransmits()) {
                        fail("RE-CONFIG retransmissions exhausted");
                        return;
                    }
                    control.add(new ReConfigChunk(List.of(pendingResetRequest)));
                    timers.start(t, now + rto.rto());
                }
                break;
            default:
                break;
        }
    }

    // ---- output -------------------------------------------------------------------------------

    /** Builds packets of everything due: control chunks, SACK, retransmissions, new data. */
    private void flush() {
        if (terminated && control.isEmpty()) {
            return;
        }
        if (!peerTagKnown) {
            control.clear();
            return;
        }
        if (state.ordinal() >= State.ESTABLISHED.ordinal() && !terminated) {
            maybeSendResetRequest();
            if (state == State.SHUTDOWN_PENDING || state == State.SHUTDOWN_RECEIVED) {
                maybeShutdown();
            }
        }
        int mtu = options.mtu();
        boolean dataAllowed = !terminated && (state == State.ESTABLISHED || state == State.SHUTDOWN_PENDING
                || state == State.SHUTDOWN_RECEIVED);
        boolean ackAllowed = !terminated && state.ordinal() >= State.ESTABLISHED.ordinal();
        for (int guard = 0; guard < 100_000; guard++) {
            ByteWriter w = new ByteWriter(mtu);
            SctpPacket.writeHeader(w, options.localPort(), options.remotePort(), peerTag);
            boolean any = false;
            if (ackAllowed && receiver.sackDue()) {
                SackChunk sack = receiver.buildSack(mtu - SctpPacket.HEADER_LENGTH);
                sack.writeTo(w);
                receiver.sackSent(now);
                timers.stop(SctpTimer.DELAYED_ACK);
                any = true;
            }
            while (!control.isEmpty() && w.position() + control.peek().paddedLength() <= mtu) {
                control.poll().writeTo(w);
                any = true;
            }
            if (!control.isEmpty() && !any) {
                // A control chunk larger than the MTU (a huge cookie): send it alone anyway.
                control.poll().writeTo(w);
                any = true;
            }
            if (dataAllowed) {
                if (sender.forwardTsnDue() && w.position() + 8 + 8 * 16 <= mtu) {
                    Chunk fwd = sender.buildForwardTsn(mtu - w.position());
                    if (fwd != null) {
                        fwd.writeTo(w);
                        any = true;
                    }
                }
                if (sender.fill(w, mtu, now)) {
                    any = true;
                }
            }
            if (!any) {
                break;
            }
            SctpPacket.finish(w, 0);
            transmits.add(w.toByteArray());
            if (!control.isEmpty() || receiver.sackDue()) {
                continue;
            }
        }
        if (dataAllowed && sender.hasOutstanding() && !timers.running(SctpTimer.T3_RTX)) {
            timers.start(SctpTimer.T3_RTX, now + rto.rto());
        }
        if (ackAllowed && receiver.delayedAckPending() && !timers.running(SctpTimer.DELAYED_ACK)) {
            timers.start(SctpTimer.DELAYED_ACK, now + options.delayedAckMillis() * MS);
        }
    }

    /** Sends the queued control chunks in packets carrying {@code tag} (INIT, INIT-ACK, OOTB answers). */
    private void flushWithTag(int tag) {
        while (!control.isEmpty()) {
            ByteWriter w = new ByteWriter(options.mtu());
            SctpPacket.writeHeader(w, options.localPort(), options.remotePort(), tag);
            control.poll().writeTo(w);
            while (!control.isEmpty() && w.position() + control.peek().paddedLength() <= options.mtu()) {
                control.poll().writeTo(w);
            }
            SctpPacket.finish(w, 0);
            transmits.add(w.toByteArray());
        }
    }

    private void sendAbort(ErrorCause cause) {
        control.clear();
        control.add(new AbortChunk(false, List.of(cause)));
        flushWithTag(peerTag);
    }

    // ---- callbacks from Sender / Receiver -----------------------------------------------------

    /** After a SACK or SHUTDOWN acknowledged something: timers, shutdown progress. */
    private void afterAck() {
        boolean newlyAcked = sender.takeNewlyAcked();
        boolean cumAdvanced = sender.takeCumAdvanced();
        // §8.3: the peer acknowledged something new. A cumulative ack that moved only because our
        // FORWARD-TSN let it pass abandoned data acknowledges nothing newly, yet it shows the peer
        // alive just as well: without it, the tail of a lossy partially reliable transfer (one
        // FORWARD-TSN per round trip, a lost one costing a T3 expiry) counted as failure.
        if (newlyAcked || cumAdvanced) {
            errorCount = 0;
        }
        if (!sender.hasOutstanding()) {
            timers.stop(SctpTimer.T3_RTX);
        } else if (cumAdvanced) {
            timers.start(SctpTimer.T3_RTX, now + rto.rto());
        }
        sender.emitBufferedAmounts(events);
        if (state == State.SHUTDOWN_PENDING || state == State.SHUTDOWN_RECEIVED) {
            maybeShutdown();
        }
    }

    boolean forwardTsnNegotiated() {
        return forwardTsn;
    }

    void measureRtt(long rttNanos) {
        rto.measure(rttNanos);
    }

    long rtoNanos() {
        return rto.rto();
    }

    void deliver(SctpEvent e) {
        events.add(e);
    }

    SctpStats.Counters counters() {
        return stats;
    }

    void restartT3(long at) {
        timers.start(SctpTimer.T3_RTX, at);
    }

    void requestSackTimer() {
        if (!timers.running(SctpTimer.DELAYED_ACK)) {
            timers.start(SctpTimer.DELAYED_ACK, now + options.delayedAckMillis() * MS);
        }
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    private void setState(State next, String reason) {
        if (next != state) {
            LOG.debug("{}state {} -> {} ({})", log, state, next, reason);
            state = next;
        }
    }

    private void fail(String reason) {
        LOG.debug("{}association failed: {}", log, reason);
        if (peerTagKnown) {
            sendAbort(ErrorCause.protocolViolation(reason));
        }
        terminate(reason, true);
    }

    /** The peer made us hold more than we can (RFC 9260 §3.3.10.4): ABORT with Out of Resource. */
    void outOfResource(String reason) {
        LOG.debug("{}association aborted: {}", log, reason);
        if (peerTagKnown) {
            sendAbort(new ErrorCause(ErrorCause.OUT_OF_RESOURCE, new byte[0]));
        }
        terminate("out of resource: " + reason, true);
    }

    private void terminate(String reason, boolean error) {
        if (terminated) {
            return;
        }
        terminated = true;
        timers.stopAll();
        control.clear();
        sender.clear();
        receiver.clear();
        setState(State.CLOSED, reason);
        events.add(new SctpEvent.Closed(reason, error));
    }

    /** Internal invariants; called after every entry point under {@code -ea}. */
    public boolean isConsistent() {
        if (terminated) {
            return timers.next() == Long.MAX_VALUE;
        }
        if (state.ordinal() >= State.ESTABLISHED.ordinal()) {
            if (!sender.isConsistent() || !receiver.isConsistent()) {
                return false;
            }
            if (sender.hasOutstanding() && !timers.running(SctpTimer.T3_RTX)
                    && (state == State.ESTABLISHED || state == State.SHUTDOWN_PENDING
                            || state == State.SHUTDOWN_RECEIVED)) {
                return false;
            }
        }
        return state != State.COOKIE_WAIT || timers.running(SctpTimer.T1_INIT);
    }

    /** Steps the receiver spent on reassembly (tests: work per chunk). */
    long reassemblyWork() {
        return receiver.work();
    }

    /** Chunks sent and not yet passed by the peer's cumulative TSN (tests). */
    boolean hasOutstanding() {
        return sender.hasOutstanding();
    }

    State internalState() {
        return state;
    }

    @Override
    public String toString() {
        return "SctpAssociation[" + state + (terminated ? " terminated" : "") + " " + sender + " " + receiver + "]";
    }
}
