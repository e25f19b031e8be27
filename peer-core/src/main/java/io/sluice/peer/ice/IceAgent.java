package io.sluice.peer.ice;

import io.sluice.peer.stun.StunAttribute;
import io.sluice.peer.stun.StunAttribute.ErrorCode;
import io.sluice.peer.stun.StunClass;
import io.sluice.peer.stun.StunMessage;
import io.sluice.peer.stun.TransactionId;
import io.sluice.peer.time.RandomSource;
import io.sluice.peer.wire.MalformedPacketException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full ICE agent (RFC 8445) for one component over UDP (rtcp-mux), with trickle (RFC 8838),
 * consent freshness (RFC 7675) and ICE restart. Sans-IO: it owns no socket, thread or clock.
 *
 * <p>The I/O shell binds sockets and reports them with {@link #addHostCandidate}, feeds every
 * STUN datagram to {@link #handleStun}, calls {@link #handleTimeout} at {@link #nextDeadline()}
 * (calling early is always safe), and after every call drains {@link #pollTransmit()} and
 * {@link #pollEvent()} until they return null. Time is {@code now} in nanoseconds of any
 * monotonic clock; randomness comes from the {@link RandomSource}.
 *
 * <pre>
 *                 checks start                nominated pair selected
 *   NEW ──────────────────────▶ CHECKING ─────────────────────────────▶ CONNECTED ◀──▶ COMPLETED
 *                                  │  ▲                                   │   ▲   (remote end-of-candidates,
 *      nothing left to check after │  │ new pairs                         │   │    gathering done, checks done)
 *      remote end-of-candidates or │  │                 consent request   │   │ consent response
 *      the fail timeout            ▼  │                 unanswered 2.5 s  ▼   │
 *                                FAILED ◀──────── no consent for 30 s ── DISCONNECTED
 * </pre>
 *
 * <p>Roles: the controlling agent uses regular nomination: after the first pair succeeds it waits
 * up to {@link IceConfig#nominationDelay()} for better pairs still being checked, then repeats
 * the check of the best succeeded pair with USE-CANDIDATE; the pair is selected when that check
 * succeeds. The controlled agent selects a pair once it has both seen USE-CANDIDATE on it and
 * had its own check on it succeed (RFC 8445 §7.3.1.5). Role conflicts are resolved both ways
 * (RFC 8445 §7.3.1.1 on requests, §7.2.5.1 on 487 responses).
 *
 * <p>Not thread-safe: confine an agent to one thread (the peer's event loop).
 */
public final class IceAgent {

    private static final Logger log = LoggerFactory.getLogger(IceAgent.class);
    private static final long NONE = Long.MIN_VALUE;
    private static final int COMPONENT = 1;
    /** Bound on remembered remote candidates (signalled, unresolved and peer-reflexive). */
    private static final int MAX_REMOTE_CANDIDATES = 256;

    private final IceConfig config;
    private final RandomSource random;
    private final long tieBreaker;
    private final String logPrefix;
    private final long taNanos;
    private final long checkRtoNanos;
    private final long rtoMaxNanos;
    private final long gatherRtoNanos;
    private final long consentIntervalNanos;
    private final long disconnectedAfterNanos;
    private final long consentTimeoutNanos;
    private final long nominationDelayNanos;
    private final long failTimeoutNanos;

    private boolean controlling;
    private Creds current;
    /** After a restart: the generation the still-selected old pair belongs to. */
    private Creds previous;

    private final List<Candidate> hosts = new ArrayList<>();
    private final Map<InetSocketAddress, Integer> localPreference = new HashMap<>();
    private final List<Candidate> localCandidates = new ArrayList<>();
    private final Map<String, String> foundations = new HashMap<>();
    private final List<Candidate> remoteCandidates = new ArrayList<>();
    private final List<Pair> pairs = new ArrayList<>();
    private final ArrayDeque<Pair> triggered = new ArrayDeque<>();
    private final ArrayDeque<GatherJob> gatherQueue = new ArrayDeque<>();
    private final Map<TransactionId, Tx> transactions = new LinkedHashMap<>();
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<IceEvent> events = new ArrayDeque<>();

    private IceState state = IceState.NEW;
    private GatheringState gatheringState = GatheringState.NEW;
    private boolean remoteEndOfCandidates;
    private boolean dirty;
    private boolean consentLost;
    private boolean closed;
    private long nextPaceAt = NONE;
    private long checkingSince = NONE;
    private long firstSuccessAt = NONE;
    private int remotePrflxCount;

    private Pair selected;
    private Creds selectedCreds;
    private long lastConsentAt = NONE;
    private long consentUnansweredSince = NONE;
    private long nextConsentAt = NONE;

    private long checksSent;
    private long checkRetransmissions;
    private long checksReceived;
    private long responsesSent;
    private long successResponsesReceived;
    private long errorResponsesReceived;
    private long consentRequestsSent;
    private long stunServerRequestsSent;
    private long roleConflicts;
    private final Map<String, Long> dropped = new TreeMap<>();

    public IceAgent(IceConfig config, RandomSource random) {
        this.config = Objects.requireNonNull(config);
        this.random = Objects.requireNonNull(random);
        this.controlling = config.controlling();
        this.tieBreaker = random.nextLong();
        this.current = new Creds(config.localUfrag() != null ? config.localUfrag() : random.iceChars(8),
                config.localPwd() != null ? config.localPwd() : random.iceChars(24));
        this.logPrefix = "ice " + current.localUfrag + ": ";
        this.taNanos = config.ta().toNanos();
        this.checkRtoNanos = config.checkRto().toNanos();
        this.rtoMaxNanos = Math.max(config.rtoMax().toNanos(), Math.max(checkRtoNanos, config.gatherRto().toNanos()));
        this.gatherRtoNanos = config.gatherRto().toNanos();
        this.consentIntervalNanos = config.consentInterval().toNanos();
        this.disconnectedAfterNanos = config.disconnectedAfter().toNanos();
        this.consentTimeoutNanos = config.consentTimeout().toNanos();
        this.nominationDelayNanos = config.nominationDelay().toNanos();
        this.failTimeoutNanos = config.failTimeout().toNanos();
    }

    // ------------------------------------------------------------------------------------------
    // Public API: inputs
    // ------------------------------------------------------------------------------------------

    /**
     * The shell bound a UDP socket at {@code base}: the agent makes a host candidate of it
     * (RFC 8445 §5.1.1.1, IPv6 preferred) and reports {@link IceEvent.CandidateGathered}. While
     * gathering is running, the new base is also used for server-reflexive gathering.
     */
    public void addHostCandidate(InetSocketAddress base, long now) {
        Objects.requireNonNull(base);
        if (base.isUnresolved()) {
            throw new IllegalArgumentException("host candidate must be an IP address: " + base);
        }
        if (closed || findHost(base) != null) {
            return;
        }
        boolean v6 = !(base.getAddress() instanceof Inet4Address);
        int sameFamily = 0;
        for (Candidate h : hosts) {
            if (isV6(h.address()) == v6) {
                sameFamily++;
            }
        }
        int localPref = Math.max(0, (v6 ? 65535 : 32767) - sameFamily);
        localPreference.put(base, localPref);
        Candidate host = Candidate.udp(foundation("host", base.getAddress(), null),
                Candidate.computePriority(CandidateType.HOST, localPref, COMPONENT), base, CandidateType.HOST, null,
                base);
        hosts.add(host);
        localCandidates.add(host);
        events.add(new IceEvent.CandidateGathered(host));
        log.debug("{}host candidate {}", logPrefix, host);
        for (Candidate r : remoteCandidates) {
            if (r.isResolved()) {
                formPair(host, r);
            }
        }
        if (gatheringState == GatheringState.GATHERING) {
            queueGathering(host);
        }
        drive(now);
    }

    /**
     * Starts gathering server-reflexive candidates: a Binding request from each host base to each
     * STUN server of the same address family, paced by Ta and retransmitted. Each answer gives a
     * {@link IceEvent.CandidateGathered}, each failure an {@link IceEvent.CandidateError}; then
     * {@link IceEvent.GatheringComplete}. Call after adding the host candidates.
     */
    public void startGathering(long now) {
        if (closed || gatheringState != GatheringState.NEW) {
            return;
        }
        setGatheringState(GatheringState.GATHERING);
        for (Candidate h : hosts) {
            queueGathering(h);
        }
        maybeCompleteGathering();
        drive(now);
    }

    /** Sets the peer's ufrag and password (current generation); checks start once they are known. */
    public void setRemoteCredentials(String ufrag, String pwd) {
        Objects.requireNonNull(ufrag);
        Objects.requireNonNull(pwd);
        if (closed) {
            return;
        }
        current.remoteUfrag = ufrag;
        current.remotePwd = pwd;
        current.remoteKey = StunMessage.shortTermKey(pwd);
        dirty = true;
    }

    public void setRemoteCredentials(String ufrag, String pwd, long now) {
        setRemoteCredentials(ufrag, pwd);
        drive(now);
    }

    /**
     * Adds a remote candidate (trickled or from the description). Candidates for another
     * component or transport are ignored. An unresolved address (an mDNS name) is kept but not
     * paired until {@link #resolveRemoteCandidate} gives its address; a peer-reflexive candidate
     * learned from the peer's checks covers the case where it never is.
     */
    public void addRemoteCandidate(Candidate c, long now) {
        Objects.requireNonNull(c);
        if (closed || consentLost) {
            return;
        }
        if (c.component() != COMPONENT || !"udp".equals(c.transport())) {
            drop("ignored-remote-candidate");
            return;
        }
        if (remoteCandidates.size() >= MAX_REMOTE_CANDIDATES) {
            drop("too-many-candidates");
            return;
        }
        if (!c.isResolved()) {
            for (Candidate r : remoteCandidates) {
                if (!r.isResolved() && sameUnresolved(r.address(), c.address())) {
                    return;
                }
            }
            remoteCandidates.add(c);
            log.debug("{}remote candidate {} waits for name resolution", logPrefix, c.address().getHostString());
            return;
        }
        addResolvedRemote(c);
        drive(now);
    }

    /**
     * The shell resolved the hostname of remote candidates added unresolved (such as an mDNS
     * {@code .local} name): they are paired now. Unknown names are ignored.
     */
    public void resolveRemoteCandidate(String hostname, InetAddress address, long now) {
        Objects.requireNonNull(hostname);
        Objects.requireNonNull(address);
        if (closed || consentLost) {
            return;
        }
        List<Candidate> resolved = new ArrayList<>();
        for (Iterator<Candidate> it = remoteCandidates.iterator(); it.hasNext(); ) {
            Candidate r = it.next();
            if (!r.isResolved() && r.address().getHostString().equalsIgnoreCase(hostname)) {
                it.remove();
                resolved.add(r.withAddress(new InetSocketAddress(address, r.address().getPort())));
            }
        }
        for (Candidate r : resolved) {
            addResolvedRemote(r);
        }
        drive(now);
    }

    /** The peer signalled end-of-candidates: once every pair has failed, the agent fails. */
    public void remoteEndOfCandidates() {
        remoteEndOfCandidates = true;
        dirty = true;
    }

    public void remoteEndOfCandidates(long now) {
        remoteEndOfCandidates();
        drive(now);
    }

    /**
     * A STUN datagram arrived on the socket bound at {@code localBase} from {@code remote}. Bad or
     * unauthenticated input is dropped and counted in {@link #stats()}; nothing is thrown.
     */
    public void handleStun(long now, InetSocketAddress localBase, InetSocketAddress remote, byte[] data, int off,
            int len) {
        if (closed) {
            drop("closed");
            return;
        }
        if (localBase == null || remote == null || remote.isUnresolved() || data == null || off < 0 || len < 0
                || off > data.length - len) {
            drop("bad-input");
            return;
        }
        if (!StunMessage.looksLikeStun(data, off, len)) {
            drop("not-stun");
            return;
        }
        StunMessage msg;
        try {
            msg = StunMessage.parse(data, off, len);
        } catch (MalformedPacketException e) {
            drop("malformed");
            log.trace("{}malformed STUN from {}: {}", logPrefix, remote, e.getMessage());
            return;
        }
        if (msg.hasFingerprint() && !msg.verifyFingerprint()) {
            drop("bad-fingerprint");
            return;
        }
        if (msg.method() != StunMessage.BINDING) {
            drop("unsupported-method");
            return;
        }
        switch (msg.messageClass()) {
            case REQUEST:
                handleRequest(now, localBase, remote, msg);
                break;
            case SUCCESS_RESPONSE:
            case ERROR_RESPONSE:
                handleResponse(now, localBase, remote, msg);
                break;
            default:
                drop("indication"); // Binding indications are keepalives: nothing to do
                break;
        }
        drive(now);
    }

    /** Time passed: retransmit, pace the next check, run consent and state timers. Safe to call early. */
    public void handleTimeout(long now) {
        drive(now);
    }

    /**
     * ICE restart (RFC 8445 §9): new local credentials, an empty check list waiting for the peer's
     * new credentials and candidates. A selected pair stays selected and keeps its consent with
     * the old credentials until a pair of the new generation is nominated. Null credentials are
     * generated.
     */
    public void restart(String newUfrag, String newPwd, long now) {
        if (closed) {
            return;
        }
        String ufrag = newUfrag != null ? newUfrag : random.iceChars(8);
        String pwd = newPwd != null ? newPwd : random.iceChars(24);
        if (ufrag.equals(current.localUfrag)) {
            throw new IllegalArgumentException("an ICE restart needs a new ufrag");
        }
        log.debug("{}ICE restart, new ufrag {}", logPrefix, ufrag);
        previous = selected != null ? selectedCreds : null;
        current = new Creds(ufrag, pwd);
        transactions.values().removeIf(tx -> tx.kind == TxKind.CHECK);
        pairs.clear();
        triggered.clear();
        remoteCandidates.clear();
        remoteEndOfCandidates = false;
        firstSuccessAt = NONE;
        checkingSince = NONE;
        remotePrflxCount = 0;
        consentLost = false;
        drive(now);
    }

    /** Stops everything: no more transmits, state CLOSED. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        transactions.clear();
        transmits.clear();
        triggered.clear();
        gatherQueue.clear();
        if (selected != null) {
            selected = null;
            events.add(new IceEvent.SelectedPairChanged(null));
        }
        setState(IceState.CLOSED, "closed");
    }

    // ------------------------------------------------------------------------------------------
    // Public API: outputs and inspection
    // ------------------------------------------------------------------------------------------

    /** The next datagram to send, or null. */
    public Transmit pollTransmit() {
        return transmits.poll();
    }

    /** The next event, or null. */
    public IceEvent pollEvent() {
        return events.poll();
    }

    /** When {@link #handleTimeout} must be called next; {@code Long.MAX_VALUE} when never. */
    public long nextDeadline() {
        if (closed) {
            return Long.MAX_VALUE;
        }
        if (dirty) {
            return Long.MIN_VALUE;
        }
        long d = Long.MAX_VALUE;
        for (Tx tx : transactions.values()) {
            d = Math.min(d, tx.nextAt);
        }
        if (hasPacedWork()) {
            d = Math.min(d, nextPaceAt);
        }
        if (selected != null && !consentLost) {
            d = Math.min(d, nextConsentAt);
            d = Math.min(d, lastConsentAt + consentTimeoutNanos);
            if (consentUnansweredSince != NONE && state != IceState.DISCONNECTED) {
                d = Math.min(d, consentUnansweredSince + disconnectedAfterNanos);
            }
        }
        if (controlling && firstSuccessAt != NONE && needsNomination()) {
            d = Math.min(d, firstSuccessAt + nominationDelayNanos);
        }
        if (selected == null && checkingSince != NONE && state != IceState.FAILED && nothingLeftToCheck()) {
            d = Math.min(d, checkingSince + failTimeoutNanos);
        }
        return d;
    }

    public IceState state() {
        return state;
    }

    public GatheringState gatheringState() {
        return gatheringState;
    }

    public boolean isControlling() {
        return controlling;
    }

    public String localUfrag() {
        return current.localUfrag;
    }

    public String localPwd() {
        return current.localPwd;
    }

    public long tieBreaker() {
        return tieBreaker;
    }

    /** The pair data goes over, or null. */
    /**
     * RFC 7675 §5.1: consent expired on the selected pair, which is then no longer used; nothing but
     * an ICE restart may send again.
     */
    public boolean consentLost() {
        return consentLost;
    }

    public CandidatePair selectedPair() {
        return selected == null ? null : selected.snapshot();
    }

    /**
     * What the pair from {@code localBase} to {@code remote} allows beyond STUN (RFC 8445 §12, RFC
     * 7675): SUCCEEDED when it is the selected pair or has succeeded a check (the valid list), its
     * state while it is still to be checked, null when there is no such pair.
     */
    public PairState pairState(InetSocketAddress localBase, InetSocketAddress remote) {
        if (selected != null && selected.local.address().equals(localBase) && selected.remote.address().equals(remote)) {
            return PairState.SUCCEEDED;
        }
        Pair p = findPair(localBase, remote);
        return p == null ? null : p.state;
    }

    /** Local candidates: hosts, server-reflexive, and peer-reflexive ones learned from checks. */
    public List<Candidate> localCandidates() {
        return List.copyOf(localCandidates);
    }

    /** Remote candidates, unresolved ones and learned peer-reflexive ones included. */
    public List<Candidate> remoteCandidates() {
        return List.copyOf(remoteCandidates);
    }

    /** The check list, highest priority first. */
    public List<CandidatePair> pairs() {
        List<CandidatePair> out = new ArrayList<>(pairs.size());
        for (Pair p : pairs) {
            out.add(p.snapshot());
        }
        return out;
    }

    public IceStats stats() {
        return new IceStats(checksSent, checkRetransmissions, checksReceived, responsesSent,
                successResponsesReceived, errorResponsesReceived, consentRequestsSent, stunServerRequestsSent,
                roleConflicts, dropped);
    }

    /**
     * For a shared port: is this datagram a STUN request to our ufrag (current or previous
     * generation) or a response to one of our transactions?
     */
    public boolean isStunForMe(byte[] data, int off, int len) {
        if (closed || !StunMessage.looksLikeStun(data, off, len)) {
            return false;
        }
        StunMessage msg;
        try {
            msg = StunMessage.parse(data, off, len);
        } catch (MalformedPacketException e) {
            return false;
        }
        if (msg.isResponse()) {
            return transactions.containsKey(msg.transactionId());
        }
        String user = msg.username();
        if (user == null) {
            return false;
        }
        int colon = user.indexOf(':');
        String mine = colon < 0 ? user : user.substring(0, colon);
        return mine.equals(current.localUfrag) || (previous != null && mine.equals(previous.localUfrag));
    }

    // ------------------------------------------------------------------------------------------
    // The loop
    // ------------------------------------------------------------------------------------------

    private void drive(long now) {
        if (closed) {
            return;
        }
        dirty = false;
        processTransactionTimers(now);
        processNomination(now);
        if (now >= nextPaceAt && sendPaced(now)) {
            nextPaceAt = now + taNanos;
        }
        processConsent(now);
        updateState(now);
        assert isConsistent() : "inconsistent ICE agent state";
    }

    private void processTransactionTimers(long now) {
        List<Tx> due = null;
        for (Tx tx : transactions.values()) {
            if (tx.nextAt <= now) {
                if (due == null) {
                    due = new ArrayList<>();
                }
                due.add(tx);
            }
        }
        if (due == null) {
            return;
        }
        for (Tx tx : due) {
            if (tx.transmissions < tx.maxTransmissions) {
                transmits.add(new Transmit(tx.base, tx.remote, tx.bytes));
                tx.transmissions++;
                tx.rto = Math.min(tx.rto * 2, rtoMaxNanos);
                tx.nextAt = now + tx.rto;
                if (tx.kind == TxKind.CHECK) {
                    checkRetransmissions++;
                } else if (tx.kind == TxKind.GATHER) {
                    stunServerRequestsSent++;
                }
            } else {
                transactions.remove(tx.id);
                onTimeout(tx);
            }
        }
    }

    private void onTimeout(Tx tx) {
        switch (tx.kind) {
            case CHECK:
                if (tx.pair.inFlight == tx) {
                    tx.pair.inFlight = null;
                    failPair(tx.pair, "timeout");
                }
                break;
            case GATHER:
                events.add(new IceEvent.CandidateError(tx.server.url(), tx.base, IceEvent.CandidateError.UNREACHABLE,
                        "STUN server did not respond"));
                maybeCompleteGathering();
                break;
            default:
                break; // consent: the age of the oldest unanswered request drives the state
        }
    }

    /** Sends at most one new paced transaction: gathering first, then triggered, then ordinary checks. */
    private boolean sendPaced(long now) {
        GatherJob g = gatherQueue.poll();
        if (g != null) {
            sendGather(g, now);
            return true;
        }
        if (!canCheck()) {
            return false;
        }
        Pair p = triggered.poll();
        if (p != null) {
            p.queued = false;
            sendCheck(p, now, p.nominating);
            return true;
        }
        if (selectedIsCurrent()) {
            return false;
        }
        p = nextOrdinaryCheck(true);
        if (p != null) {
            sendCheck(p, now, false);
            return true;
        }
        return false;
    }

    private boolean hasPacedWork() {
        if (!gatherQueue.isEmpty()) {
            return true;
        }
        if (!canCheck()) {
            return false;
        }
        return !triggered.isEmpty() || (!selectedIsCurrent() && nextOrdinaryCheck(false) != null);
    }

    private boolean canCheck() {
        return current.remotePwd != null && !consentLost;
    }

    /**
     * RFC 8445 §6.1.4.2: the highest-priority Waiting pair; if none, the highest-priority Frozen
     * pair whose foundation has no pair in progress, unfrozen when {@code apply}.
     */
    private Pair nextOrdinaryCheck(boolean apply) {
        for (Pair p : pairs) {
            if (p.state == PairState.WAITING) {
                return p;
            }
        }
        for (Pair p : pairs) {
            if (p.state == PairState.FROZEN && !foundationActive(p.foundation)) {
                if (apply) {
                    p.state = PairState.WAITING;
                }
                return p;
            }
        }
        return null;
    }

    private boolean foundationActive(String foundation) {
        for (Pair q : pairs) {
            if (q.foundation.equals(foundation)
                    && (q.state == PairState.WAITING || q.state == PairState.IN_PROGRESS)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------
    // Gathering
    // ------------------------------------------------------------------------------------------

    private void queueGathering(Candidate host) {
        for (IceServer s : config.stunServers()) {
            if (isV6(s.address()) == isV6(host.address())) {
                gatherQueue.add(new GatherJob(host, s));
            }
        }
    }

    private void sendGather(GatherJob g, long now) {
        TransactionId id = TransactionId.random(random);
        byte[] bytes = StunMessage.builder(StunMessage.BINDING, StunClass.REQUEST, id).build().encode(null, true);
        Tx tx = new Tx(TxKind.GATHER, id, g.host.address(), g.server.address(), bytes);
        tx.server = g.server;
        tx.maxTransmissions = config.gatherMaxTransmissions();
        tx.rto = gatherRtoNanos;
        tx.nextAt = now + tx.rto;
        transactions.put(id, tx);
        transmits.add(new Transmit(tx.base, tx.remote, bytes));
        stunServerRequestsSent++;
    }

    private void onGatherResponse(Tx tx, StunMessage msg) {
        if (msg.messageClass() == StunClass.ERROR_RESPONSE) {
            ErrorCode e = msg.attribute(ErrorCode.class);
            events.add(new IceEvent.CandidateError(tx.server.url(), tx.base, e != null ? e.code() : 0,
                    e != null ? e.reason() : "error response without ERROR-CODE"));
        } else {
            InetSocketAddress mapped = mappedAddress(msg);
            if (mapped == null) {
                events.add(new IceEvent.CandidateError(tx.server.url(), tx.base, IceEvent.CandidateError.UNREACHABLE,
                        "answer without a mapped address"));
            } else if (!mapped.equals(tx.base) && findLocal(mapped, tx.base) == null) {
                int pref = localPreference.getOrDefault(tx.base, 0);
                Candidate srflx = Candidate.udp(foundation("srflx", tx.base.getAddress(), tx.server.address()),
                        Candidate.computePriority(CandidateType.SRFLX, pref, COMPONENT), mapped, CandidateType.SRFLX,
                        tx.base, tx.base);
                localCandidates.add(srflx);
                events.add(new IceEvent.CandidateGathered(srflx));
                log.debug("{}server-reflexive candidate {}", logPrefix, srflx);
            }
        }
        maybeCompleteGathering();
    }

    private void maybeCompleteGathering() {
        if (gatheringState != GatheringState.GATHERING || !gatherQueue.isEmpty()) {
            return;
        }
        for (Tx tx : transactions.values()) {
            if (tx.kind == TxKind.GATHER) {
                return;
            }
        }
        setGatheringState(GatheringState.COMPLETE);
        events.add(new IceEvent.GatheringComplete());
    }

    private void setGatheringState(GatheringState s) {
        if (gatheringState != s) {
            gatheringState = s;
            events.add(new IceEvent.GatheringStateChanged(s));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Check list
    // ------------------------------------------------------------------------------------------

    private void addResolvedRemote(Candidate c) {
        Candidate existing = findRemote(c.address());
        if (existing != null) {
            if (existing.type() == CandidateType.PRFLX && c.type() != CandidateType.PRFLX) {
                // The signalled candidate replaces the peer-reflexive one learned earlier.
                remoteCandidates.set(remoteCandidates.indexOf(existing), c);
                for (Pair p : pairs) {
                    if (p.remote == existing) {
                        p.remote = c;
                        p.foundation = p.local.foundation() + ":" + c.foundation();
                    }
                }
                recomputePriorities();
            }
            return;
        }
        remoteCandidates.add(c);
        for (Candidate h : hosts) {
            formPair(h, c);
        }
    }

    private Pair formPair(Candidate local, Candidate remote) {
        if (isV6(local.address()) != isV6(remote.address())) {
            return null;
        }
        Pair existing = findPair(local.address(), remote.address());
        if (existing != null) {
            return existing;
        }
        Pair p = new Pair(local, remote);
        p.priority = pairPriority(p);
        p.state = foundationActive(p.foundation) ? PairState.FROZEN : PairState.WAITING;
        pairs.add(p);
        pairs.sort(BY_PRIORITY);
        prune();
        return pairs.contains(p) ? p : null;
    }

    /** RFC 8445 §6.1.2.5: bound the check list, dropping the lowest-priority pairs not yet checked. */
    private void prune() {
        for (int i = pairs.size() - 1; i >= 0 && pairs.size() > config.maxPairs(); i--) {
            Pair p = pairs.get(i);
            if ((p.state == PairState.WAITING || p.state == PairState.FROZEN) && p != selected && !p.nominating) {
                pairs.remove(i);
                if (p.queued) {
                    triggered.remove(p);
                    p.queued = false;
                }
            }
        }
    }

    private long pairPriority(Pair p) {
        long l = p.local.priority();
        long r = p.remote.priority();
        return controlling ? CandidatePair.priority(l, r) : CandidatePair.priority(r, l);
    }

    private void recomputePriorities() {
        for (Pair p : pairs) {
            p.priority = pairPriority(p);
        }
        pairs.sort(BY_PRIORITY);
    }

    private static final Comparator<Pair> BY_PRIORITY = (a, b) -> Long.compareUnsigned(b.priority, a.priority);

    private void enqueueTriggered(Pair p, boolean front) {
        if (p.queued) {
            if (front) {
                triggered.remove(p);
                triggered.addFirst(p);
            }
            return;
        }
        p.queued = true;
        if (front) {
            triggered.addFirst(p);
        } else {
            triggered.add(p);
        }
    }

    private void sendCheck(Pair p, long now, boolean useCandidate) {
        Creds creds = current;
        TransactionId id = TransactionId.random(random);
        long prflxPriority = Candidate.computePriority(CandidateType.PRFLX,
                localPreference.getOrDefault(p.local.address(), 0), COMPONENT);
        StunMessage.Builder b = StunMessage.builder(StunMessage.BINDING, StunClass.REQUEST, id)
                .add(new StunAttribute.Username(creds.remoteUfrag + ":" + creds.localUfrag))
                .add(new StunAttribute.Priority(prflxPriority))
                .add(controlling ? new StunAttribute.IceControlling(tieBreaker)
                        : new StunAttribute.IceControlled(tieBreaker));
        if (useCandidate) {
            b.add(new StunAttribute.UseCandidate());
        }
        byte[] bytes = b.build().encode(creds.remoteKey, true);
        Tx tx = new Tx(TxKind.CHECK, id, p.local.address(), p.remote.address(), bytes);
        tx.pair = p;
        tx.key = creds.remoteKey;
        tx.useCandidate = useCandidate;
        tx.controllingWhenSent = controlling;
        tx.maxTransmissions = config.checkMaxTransmissions();
        tx.rto = checkRtoNanos;
        tx.nextAt = now + tx.rto;
        if (p.inFlight != null) {
            // A newer check replaces it: the old one is not retransmitted and its loss is not a failure,
            // but a late answer to it still counts.
            p.inFlight.superseded = true;
            p.inFlight.maxTransmissions = p.inFlight.transmissions;
        }
        p.inFlight = tx;
        if (p.state != PairState.SUCCEEDED) {
            p.state = PairState.IN_PROGRESS;
        }
        transactions.put(id, tx);
        transmits.add(new Transmit(tx.base, tx.remote, bytes));
        checksSent++;
        if (checkingSince == NONE) {
            checkingSince = now;
        }
    }

    private void failPair(Pair p, String why) {
        p.nominating = false;
        if (p == selected || p.state == PairState.SUCCEEDED && p.nominated) {
            return; // the selected pair's liveness is consent's business
        }
        p.state = PairState.FAILED;
        if (p.queued) {
            triggered.remove(p);
            p.queued = false;
        }
        log.debug("{}pair {} failed: {}", logPrefix, p, why);
    }

    // ------------------------------------------------------------------------------------------
    // Incoming requests (RFC 8445 §7.3)
    // ------------------------------------------------------------------------------------------

    private void handleRequest(long now, InetSocketAddress base, InetSocketAddress remote, StunMessage req) {
        Candidate host = findHost(base);
        if (host == null) {
            drop("unknown-base");
            return;
        }
        String user = req.username();
        if (user == null || !req.hasIntegrity()) {
            drop("bad-request");
            sendError(base, remote, req, ErrorCode.BAD_REQUEST, "Bad Request", null);
            return;
        }
        int colon = user.indexOf(':');
        String mine = colon < 0 ? user : user.substring(0, colon);
        Creds creds = null;
        if (mine.equals(current.localUfrag)) {
            creds = current;
        } else if (previous != null && mine.equals(previous.localUfrag)) {
            creds = previous;
        }
        if (creds == null) {
            drop("unknown-username");
            sendError(base, remote, req, ErrorCode.UNAUTHORIZED, "Unauthorized", null);
            return;
        }
        if (!req.verifyIntegrity(creds.localKey)) {
            drop("bad-integrity");
            sendError(base, remote, req, ErrorCode.UNAUTHORIZED, "Unauthorized", null);
            return;
        }
        if (!req.unknownComprehensionRequired().isEmpty()) {
            drop("unknown-attribute");
            sendError(base, remote, req, ErrorCode.UNKNOWN_ATTRIBUTE, "Unknown Attribute", creds);
            return;
        }
        StunAttribute.Priority prio = req.attribute(StunAttribute.Priority.class);
        if (prio == null) {
            drop("bad-request");
            sendError(base, remote, req, ErrorCode.BAD_REQUEST, "Bad Request: no PRIORITY", creds);
            return;
        }
        if (creds != current) {
            // The previous generation: keep the old selected pair answering, learn nothing.
            checksReceived++;
            sendSuccess(base, remote, req, creds);
            return;
        }
        // Role conflict, RFC 8445 §7.3.1.1.
        StunAttribute.IceControlling theirControlling = req.attribute(StunAttribute.IceControlling.class);
        StunAttribute.IceControlled theirControlled = req.attribute(StunAttribute.IceControlled.class);
        if (controlling && theirControlling != null) {
            roleConflicts++;
            if (Long.compareUnsigned(tieBreaker, theirControlling.tieBreaker()) >= 0) {
                drop("role-conflict");
                sendError(base, remote, req, ErrorCode.ROLE_CONFLICT, "Role Conflict", creds);
                return;
            }
            switchRole(false);
        } else if (!controlling && theirControlled != null) {
            roleConflicts++;
            if (Long.compareUnsigned(tieBreaker, theirControlled.tieBreaker()) >= 0) {
                switchRole(true);
            } else {
                drop("role-conflict");
                sendError(base, remote, req, ErrorCode.ROLE_CONFLICT, "Role Conflict", creds);
                return;
            }
        }
        checksReceived++;
        sendSuccess(base, remote, req, creds);
        if (checkingSince == NONE) {
            checkingSince = now;
        }
        if (consentLost) {
            return;
        }
        // Peer-reflexive remote candidate, RFC 8445 §7.3.1.3.
        Candidate r = findRemote(remote);
        if (r == null && remoteCandidates.size() >= MAX_REMOTE_CANDIDATES) {
            drop("too-many-candidates");
            return;
        }
        if (r == null) {
            r = Candidate.udp("prflx" + (++remotePrflxCount), prio.value(), remote, CandidateType.PRFLX, null, null);
            remoteCandidates.add(r);
            events.add(new IceEvent.RemotePeerReflexive(r));
            log.debug("{}peer-reflexive remote candidate {}", logPrefix, remote);
        }
        Pair p = formPair(host, r);
        if (p == null) {
            return;
        }
        boolean useCandidate = req.has(StunAttribute.UseCandidate.class);
        // Triggered check, RFC 8445 §7.3.1.4, and nomination, §7.3.1.5.
        if (p.state == PairState.SUCCEEDED) {
            if (useCandidate && !controlling) {
                nominate(p, now);
            } else if (!controlling && selected == null && p.inFlight == null) {
                // §7.3.1.4 asks nothing more for a valid pair, but a controlled agent that has nothing
                // nominated yet checks it again, at once: our first check often succeeded before the
                // remote had checked the pair itself, and a controlling agent that sees a check on a
                // pair it has just validated can nominate it now instead of at its next pacing tick
                // (Pion waits 200 ms otherwise). One request per authenticated request of the remote,
                // none while one is in flight, none once a pair is selected.
                enqueueTriggered(p, false);
                if (nextPaceAt > now) {
                    nextPaceAt = now;
                }
            }
            return;
        }
        if (useCandidate && !controlling) {
            p.nominateOnSuccess = true;
        }
        if (p.state != PairState.IN_PROGRESS) {
            p.state = PairState.WAITING;
        }
        // RFC 8445 §7.3.1.4: a pair in progress gets a new check too, superseding the old one (no
        // retransmission, no failure, a late answer still counts): our first request often reached the
        // remote before it had our answer and could authenticate it. The triggered check goes out now
        // rather than at the next pacing slot: it is one request per authenticated request of the
        // remote, and the remote's success on it is what lets a controlling remote nominate at once.
        enqueueTriggered(p, false);
        if (nextPaceAt > now) {
            nextPaceAt = now;
        }
    }

    private void sendSuccess(InetSocketAddress base, InetSocketAddress remote, StunMessage req, Creds creds) {
        byte[] bytes = StunMessage.builder(StunMessage.BINDING, StunClass.SUCCESS_RESPONSE, req.transactionId())
                .add(new StunAttribute.XorMappedAddress(remote))
                .build().encode(creds.localKey, true);
        transmits.add(new Transmit(base, remote, bytes));
        responsesSent++;
    }

    /** An error response; with integrity when the request authenticated ({@code creds} not null). */
    private void sendError(InetSocketAddress base, InetSocketAddress remote, StunMessage req, int code, String reason,
            Creds creds) {
        StunMessage.Builder b = StunMessage.builder(StunMessage.BINDING, StunClass.ERROR_RESPONSE, req.transactionId())
                .add(new ErrorCode(code, reason));
        if (code == ErrorCode.UNKNOWN_ATTRIBUTE) {
            b.add(new StunAttribute.UnknownAttributes(req.unknownComprehensionRequired()));
        }
        byte[] bytes = b.build().encode(creds != null ? creds.localKey : null, true);
        transmits.add(new Transmit(base, remote, bytes));
        responsesSent++;
    }

    private void switchRole(boolean nowControlling) {
        if (controlling == nowControlling) {
            return;
        }
        controlling = nowControlling;
        log.debug("{}role conflict: now {}", logPrefix, controlling ? "controlling" : "controlled");
        for (Pair p : pairs) {
            if (!controlling) {
                p.nominating = false;
            }
            p.nominateOnSuccess = false;
        }
        recomputePriorities();
        events.add(new IceEvent.RoleChanged(controlling));
    }

    // ------------------------------------------------------------------------------------------
    // Incoming responses (RFC 8445 §7.2.5)
    // ------------------------------------------------------------------------------------------

    private void handleResponse(long now, InetSocketAddress base, InetSocketAddress remote, StunMessage msg) {
        Tx tx = transactions.get(msg.transactionId());
        if (tx == null) {
            drop("unknown-transaction");
            return;
        }
        if (tx.kind == TxKind.GATHER) {
            if (!remote.equals(tx.remote) || !base.equals(tx.base)) {
                drop("unexpected-source");
                return;
            }
            transactions.remove(tx.id);
            onGatherResponse(tx, msg);
            return;
        }
        if (!msg.verifyIntegrity(tx.key)) {
            drop("bad-integrity"); // the transaction stays: a forgery must not end it
            return;
        }
        if (!remote.equals(tx.remote) || !base.equals(tx.base)) {
            // RFC 8445 §7.2.5.2.1: a non-symmetric answer fails the check.
            drop("asymmetric");
            transactions.remove(tx.id);
            if (tx.kind == TxKind.CHECK && tx.pair.inFlight == tx) {
                tx.pair.inFlight = null;
                failPair(tx.pair, "non-symmetric response");
            }
            return;
        }
        transactions.remove(tx.id);
        if (msg.messageClass() == StunClass.ERROR_RESPONSE) {
            errorResponsesReceived++;
            onErrorResponse(tx, msg);
            return;
        }
        successResponsesReceived++;
        if (tx.kind == TxKind.CONSENT) {
            if (tx.pair == selected) {
                consentRefreshed(now);
            }
            return;
        }
        onCheckSuccess(now, tx, msg);
    }

    private void onErrorResponse(Tx tx, StunMessage msg) {
        if (tx.kind != TxKind.CHECK) {
            return; // an error to a consent request is no consent
        }
        Pair p = tx.pair;
        boolean current = p.inFlight == tx;
        if (current) {
            p.inFlight = null;
        }
        ErrorCode e = msg.attribute(ErrorCode.class);
        if (e != null && e.code() == ErrorCode.ROLE_CONFLICT) {
            roleConflicts++;
            if (tx.controllingWhenSent == controlling) {
                switchRole(!controlling);
            }
            if (pairs.contains(p) && p.state != PairState.SUCCEEDED) {
                p.state = PairState.WAITING;
                enqueueTriggered(p, false);
            } else if (pairs.contains(p) && p.nominating && controlling) {
                enqueueTriggered(p, true);
            }
            return;
        }
        if (current || p.inFlight == null) {
            failPair(p, "error " + (e != null ? e.code() : 0));
        }
    }

    private void onCheckSuccess(long now, Tx tx, StunMessage msg) {
        Pair p = tx.pair;
        if (p.inFlight == tx) {
            p.inFlight = null;
        }
        if (p == selected) {
            consentRefreshed(now); // a successful check is consent too
        }
        if (!pairs.contains(p)) {
            return; // from before a restart
        }
        InetSocketAddress mapped = mappedAddress(msg);
        if (mapped == null) {
            drop("no-mapped-address");
            failPair(p, "no XOR-MAPPED-ADDRESS");
            return;
        }
        // The valid pair's local candidate: a known one with the mapped address, or a new
        // peer-reflexive one (RFC 8445 §7.2.5.3.1).
        Candidate local = findLocal(mapped, p.local.address());
        if (local == null) {
            long prio = Candidate.computePriority(CandidateType.PRFLX,
                    localPreference.getOrDefault(p.local.address(), 0), COMPONENT);
            local = Candidate.udp(foundation("prflx", mapped.getAddress(), null), prio, mapped, CandidateType.PRFLX,
                    null, p.local.address());
            localCandidates.add(local);
            log.debug("{}peer-reflexive local candidate {}", logPrefix, local);
        }
        p.validLocal = local;
        if (p.state != PairState.SUCCEEDED) {
            p.state = PairState.SUCCEEDED;
            // RFC 8445 §7.2.5.3.3: unfreeze the pairs sharing the foundation.
            for (Pair q : pairs) {
                if (q.state == PairState.FROZEN && q.foundation.equals(p.foundation)) {
                    q.state = PairState.WAITING;
                }
            }
            log.debug("{}pair {} succeeded", logPrefix, p);
        }
        if (firstSuccessAt == NONE) {
            firstSuccessAt = now;
        }
        if (controlling && tx.useCandidate && tx.controllingWhenSent) {
            nominate(p, now);
        } else if (!controlling && p.nominateOnSuccess) {
            nominate(p, now);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Nomination, selection, consent
    // ------------------------------------------------------------------------------------------

    private boolean selectedIsCurrent() {
        return selected != null && selectedCreds == current;
    }

    private boolean needsNomination() {
        if (selectedIsCurrent() || consentLost || current.remotePwd == null) {
            return false;
        }
        for (Pair p : pairs) {
            if (p.nominating) {
                return false;
            }
        }
        return bestSucceeded() != null;
    }

    private Pair bestSucceeded() {
        for (Pair p : pairs) {
            if (p.state == PairState.SUCCEEDED) {
                return p;
            }
        }
        return null;
    }

    /** Regular nomination by the controlling agent (RFC 8445 §8.1.1). */
    private void processNomination(long now) {
        if (!controlling || !needsNomination()) {
            return;
        }
        Pair best = bestSucceeded();
        boolean betterPending = false;
        for (Pair q : pairs) {
            if (Long.compareUnsigned(q.priority, best.priority) > 0 && (q.state == PairState.WAITING || q.state == PairState.IN_PROGRESS
                    || q.state == PairState.FROZEN)) {
                betterPending = true;
                break;
            }
        }
        if (betterPending && now < firstSuccessAt + nominationDelayNanos) {
            return;
        }
        log.debug("{}nominating {}", logPrefix, best);
        best.nominating = true;
        // The nominating request goes out now rather than at the next pacing slot: it is one request
        // per generation, not the load Ta spreads (RFC 8445 §14.2), and waiting for the slot would
        // add up to Ta to every connection's setup.
        if (best.queued) {
            triggered.remove(best);
            best.queued = false;
        }
        sendCheck(best, now, true);
    }

    private void nominate(Pair p, long now) {
        p.nominated = true;
        p.nominating = false;
        p.nominateOnSuccess = false;
        if (selectedIsCurrent() && Long.compareUnsigned(selected.priority, p.priority) >= 0 && selected != p) {
            return; // keep the higher-priority nominated pair (RFC 8445 §8.1.1)
        }
        select(p, now);
    }

    private void select(Pair p, long now) {
        if (selected == p) {
            return;
        }
        selected = p;
        selectedCreds = current;
        previous = null;
        lastConsentAt = now;
        consentUnansweredSince = NONE;
        nextConsentAt = now + consentInterval();
        log.debug("{}selected {}", logPrefix, p);
        events.add(new IceEvent.SelectedPairChanged(p.snapshot()));
    }

    private long consentInterval() {
        long base = state == IceState.DISCONNECTED ? Math.min(consentIntervalNanos, 1_000_000_000L)
                : consentIntervalNanos;
        return base / 1000 * (800 + random.nextInt(401)); // randomized 0.8..1.2 (RFC 7675 §5.1)
    }

    private void processConsent(long now) {
        if (selected == null || consentLost) {
            return;
        }
        if (now - lastConsentAt >= consentTimeoutNanos) {
            loseConsent();
            return;
        }
        if (now >= nextConsentAt) {
            sendConsent(now);
            nextConsentAt = now + consentInterval();
        }
    }

    private void sendConsent(long now) {
        Creds creds = selectedCreds;
        if (creds.remotePwd == null) {
            return;
        }
        TransactionId id = TransactionId.random(random);
        long prflxPriority = Candidate.computePriority(CandidateType.PRFLX,
                localPreference.getOrDefault(selected.local.address(), 0), COMPONENT);
        byte[] bytes = StunMessage.builder(StunMessage.BINDING, StunClass.REQUEST, id)
                .add(new StunAttribute.Username(creds.remoteUfrag + ":" + creds.localUfrag))
                .add(new StunAttribute.Priority(prflxPriority))
                .add(controlling ? new StunAttribute.IceControlling(tieBreaker)
                        : new StunAttribute.IceControlled(tieBreaker))
                .build().encode(creds.remoteKey, true);
        Tx tx = new Tx(TxKind.CONSENT, id, selected.local.address(), selected.remote.address(), bytes);
        tx.pair = selected;
        tx.key = creds.remoteKey;
        tx.controllingWhenSent = controlling;
        tx.maxTransmissions = 1;
        tx.rto = consentIntervalNanos; // how long a late answer still counts
        tx.nextAt = now + tx.rto;
        transactions.put(id, tx);
        transmits.add(new Transmit(tx.base, tx.remote, bytes));
        consentRequestsSent++;
        if (consentUnansweredSince == NONE) {
            consentUnansweredSince = now;
        }
    }

    private void consentRefreshed(long now) {
        lastConsentAt = now;
        consentUnansweredSince = NONE;
    }

    /** RFC 7675 §5.1: no consent for the timeout: stop using the pair for good (until a restart). */
    private void loseConsent() {
        log.debug("{}consent lost on {}", logPrefix, selected);
        consentLost = true;
        selected = null;
        selectedCreds = null;
        previous = null;
        triggered.clear();
        for (Pair p : pairs) {
            p.queued = false;
            p.nominating = false;
            p.nominated = false;
            p.inFlight = null;
            p.state = PairState.FAILED;
        }
        transactions.values().removeIf(tx -> tx.kind != TxKind.GATHER);
        events.add(new IceEvent.SelectedPairChanged(null));
    }

    // ------------------------------------------------------------------------------------------
    // State
    // ------------------------------------------------------------------------------------------

    private void updateState(long now) {
        if (consentLost) {
            setState(IceState.FAILED, "consent expired");
        } else if (selected != null) {
            if (consentUnansweredSince != NONE && now - consentUnansweredSince >= disconnectedAfterNanos) {
                setState(IceState.DISCONNECTED, "consent request unanswered");
            } else if (isCompleted()) {
                setState(IceState.COMPLETED, "checks done");
            } else {
                setState(IceState.CONNECTED, "pair selected");
            }
        } else if (checkingSince == NONE) {
            setState(IceState.NEW, "no checks yet");
        } else if (nothingLeftToCheck()
                && ((remoteEndOfCandidates && !pairs.isEmpty()) || now - checkingSince >= failTimeoutNanos)) {
            setState(IceState.FAILED, "all pairs failed");
        } else {
            setState(IceState.CHECKING, "checks running");
        }
    }

    private boolean isCompleted() {
        if (!selectedIsCurrent() || !remoteEndOfCandidates || gatheringState == GatheringState.GATHERING
                || !triggered.isEmpty()) {
            return false;
        }
        for (Tx tx : transactions.values()) {
            if (tx.kind == TxKind.CHECK && !tx.superseded) {
                return false;
            }
        }
        return true;
    }

    private boolean nothingLeftToCheck() {
        if (!triggered.isEmpty()) {
            return false;
        }
        for (Pair p : pairs) {
            if (p.state == PairState.WAITING || p.state == PairState.IN_PROGRESS || p.state == PairState.FROZEN
                    || p.state == PairState.SUCCEEDED || p.nominating) {
                return false;
            }
        }
        return true;
    }

    private void setState(IceState next, String reason) {
        if (state == next) {
            return;
        }
        IceState prev = state;
        state = next;
        log.debug("{}state {} -> {} ({})", logPrefix, prev.spec(), next.spec(), reason);
        events.add(new IceEvent.StateChanged(prev, next));
    }

    /** Invariants checked after every entry point when assertions are on. */
    boolean isConsistent() {
        if (selected != null) {
            if (selectedCreds == current) {
                if (!pairs.contains(selected) || !selected.nominated || selected.state != PairState.SUCCEEDED) {
                    return false;
                }
            } else if (selectedCreds == null || selectedCreds != previous) {
                return false;
            }
        }
        if ((state == IceState.CONNECTED || state == IceState.COMPLETED || state == IceState.DISCONNECTED)
                && selected == null) {
            return false;
        }
        if (consentLost && selected != null) {
            return false;
        }
        for (Pair p : triggered) {
            if (!p.queued || !pairs.contains(p)) {
                return false;
            }
        }
        for (Pair p : pairs) {
            if (p.inFlight != null && !transactions.containsKey(p.inFlight.id)) {
                return false;
            }
            if (p.nominated && p.state != PairState.SUCCEEDED) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------

    private void drop(String reason) {
        dropped.merge(reason, 1L, Long::sum);
    }

    private static InetSocketAddress mappedAddress(StunMessage msg) {
        StunAttribute.XorMappedAddress x = msg.attribute(StunAttribute.XorMappedAddress.class);
        if (x != null) {
            return x.address();
        }
        StunAttribute.MappedAddress m = msg.attribute(StunAttribute.MappedAddress.class);
        return m != null ? m.address() : null;
    }

    private static boolean isV6(InetSocketAddress a) {
        return !a.isUnresolved() && !(a.getAddress() instanceof Inet4Address);
    }

    private static boolean sameUnresolved(InetSocketAddress a, InetSocketAddress b) {
        return a.getPort() == b.getPort() && a.getHostString().equalsIgnoreCase(b.getHostString());
    }

    private Candidate findHost(InetSocketAddress base) {
        for (Candidate h : hosts) {
            if (h.address().equals(base)) {
                return h;
            }
        }
        return null;
    }

    private Candidate findLocal(InetSocketAddress address, InetSocketAddress base) {
        for (Candidate c : localCandidates) {
            if (c.address().equals(address) && base.equals(c.base())) {
                return c;
            }
        }
        return null;
    }

    private Candidate findRemote(InetSocketAddress address) {
        for (Candidate c : remoteCandidates) {
            if (c.isResolved() && c.address().equals(address)) {
                return c;
            }
        }
        return null;
    }

    private Pair findPair(InetSocketAddress base, InetSocketAddress remote) {
        for (Pair p : pairs) {
            if (p.local.address().equals(base) && p.remote.address().equals(remote)) {
                return p;
            }
        }
        return null;
    }

    /** Foundations (RFC 8445 §5.1.1.3): equal for equal type, base IP and server. */
    private String foundation(String type, InetAddress baseIp, InetSocketAddress server) {
        String key = type + "|" + baseIp.getHostAddress() + "|" + (server == null ? "" : server.toString());
        return foundations.computeIfAbsent(key, k -> Integer.toString(foundations.size() + 1));
    }

    @Override
    public String toString() {
        return "IceAgent[" + current.localUfrag + ", " + state.spec() + ", " + (controlling ? "controlling"
                : "controlled") + ", pairs=" + pairs.size() + "]";
    }

    // ------------------------------------------------------------------------------------------
    // Internal types
    // ------------------------------------------------------------------------------------------

    /** One credential generation: ours, and the peer's once signalled. */
    private static final class Creds {
        final String localUfrag;
        final String localPwd;
        final byte[] localKey;
        String remoteUfrag;
        String remotePwd;
        byte[] remoteKey;

        Creds(String localUfrag, String localPwd) {
            this.localUfrag = localUfrag;
            this.localPwd = localPwd;
            this.localKey = StunMessage.shortTermKey(localPwd);
        }
    }

    private static final class Pair {
        final Candidate local; // the host candidate: the base checks are sent from
        Candidate remote;
        Candidate validLocal; // after success: the local candidate matching the mapped address
        String foundation;
        long priority;
        PairState state = PairState.FROZEN;
        boolean nominated;
        boolean nominating; // controlling: a USE-CANDIDATE check is queued or in flight
        boolean nominateOnSuccess; // controlled: USE-CANDIDATE seen before our check succeeded
        boolean queued; // in the triggered check queue
        Tx inFlight;

        Pair(Candidate local, Candidate remote) {
            this.local = local;
            this.remote = remote;
            this.foundation = local.foundation() + ":" + remote.foundation();
        }

        CandidatePair snapshot() {
            return new CandidatePair(validLocal != null ? validLocal : local, remote, priority, state, nominated);
        }

        @Override
        public String toString() {
            return local.address() + " -> " + remote.address() + " (" + state.spec() + (nominated ? ", nominated"
                    : "") + ")";
        }
    }

    private enum TxKind { CHECK, CONSENT, GATHER }

    /** A client transaction (RFC 8489 §6.2.1), retransmitted with a doubling timeout. */
    private static final class Tx {
        final TxKind kind;
        final TransactionId id;
        final InetSocketAddress base;
        final InetSocketAddress remote;
        final byte[] bytes;
        Pair pair;
        IceServer server;
        byte[] key;
        boolean useCandidate;
        boolean controllingWhenSent;
        boolean superseded;
        int transmissions = 1;
        int maxTransmissions;
        long rto;
        long nextAt;

        Tx(TxKind kind, TransactionId id, InetSocketAddress base, InetSocketAddress remote, byte[] bytes) {
            this.kind = kind;
            this.id = id;
            this.base = base;
            this.remote = remote;
            this.bytes = bytes;
        }
    }

    private record GatherJob(Candidate host, IceServer server) {
    }
}
