package io.sluice.peer.api;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.peer.dtls.DtlsFingerprint;
import io.sluice.peer.dtls.DtlsListener;
import io.sluice.peer.dtls.DtlsRole;
import io.sluice.peer.dtls.DtlsState;
import io.sluice.peer.dtls.DtlsTransport;
import io.sluice.peer.ice.Candidate;
import io.sluice.peer.ice.CandidatePair;
import io.sluice.peer.ice.IceAgent;
import io.sluice.peer.ice.IceConfig;
import io.sluice.peer.ice.IceEvent;
import io.sluice.peer.ice.IceServer;
import io.sluice.peer.ice.IceState;
import io.sluice.peer.ice.PairState;
import io.sluice.peer.ice.Transmit;
import io.sluice.peer.mux.PacketKind;
import io.sluice.peer.net.HostAddresses;
import io.sluice.peer.net.SharedUdpPort;
import io.sluice.peer.net.UdpSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O shell of one peer connection's transport: its UDP sockets, the sans-IO ICE agent it
 * drives, and the DTLS transport on the selected pair. Confined to the peer's event loop. After
 * every input it sends what the agent queued, reports the agent's events to its {@link Listener}
 * and re-arms its one timer at the agent's next deadline.
 */
final class PeerTransport {

    private static final Logger log = LoggerFactory.getLogger(PeerTransport.class);
    /**
     * DTLS datagrams held per peer until their source is validated by ICE or the DTLS transport
     * exists: a ClientHello may come a moment before our check on that pair succeeds (the remote's
     * check succeeded first), or before the remote description is applied.
     */
    static final int MAX_HELD_DTLS = 8;
    static final int MAX_HELD_DTLS_BYTES = 16 * 1024;

    /** What the transport reports to the peer connection, on the loop. */
    interface Listener {
        void onLocalCandidate(Candidate candidate);

        void onGatheringStarted();

        void onGatheringComplete();

        void onCandidateError(IceEvent.CandidateError error);

        void onIceState(IceState state);

        void onDtlsState(DtlsState state, String reason);

        /** A decrypted DTLS application record (an SCTP packet). */
        void onApplicationData(byte[] data);
    }

    /** Datagram counters, for stats and tests. */
    static final class Counters {
        final AtomicLong stunIn = new AtomicLong();
        final AtomicLong dtlsIn = new AtomicLong();
        /** DTLS datagrams from a source no ICE pair joins us to, or whose pair failed: dropped. */
        final AtomicLong dtlsUnvalidated = new AtomicLong();
        /** DTLS datagrams dropped because the per-peer hold was full. */
        final AtomicLong dtlsHeldOverflow = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong packetsIn = new AtomicLong();
        final AtomicLong bytesIn = new AtomicLong();
        final AtomicLong packetsOut = new AtomicLong();
        /** DTLS datagrams not sent because consent expired (RFC 7675 §5.1). */
        final AtomicLong unsentWithoutConsent = new AtomicLong();
        final AtomicLong bytesOut = new AtomicLong();
    }

    private final PeerConnectionSettings settings;
    private final EventLoop loop;
    private final String logPrefix;
    private final Listener listener;
    final Counters counters = new Counters();

    private IceAgent agent;
    private final List<UdpSocket> sockets = new ArrayList<>();
    /** Set when the peer lives on the shared port instead of sockets of its own. */
    private SharedUdpPort.Registration shared;
    private boolean gatheringStarted;
    private boolean closed;

    private DtlsTransport dtls;
    private DtlsRole dtlsRole;
    private record Held(UdpSocket socket, InetSocketAddress from, byte[] data) {
    }

    private final ArrayDeque<Held> heldDtls = new ArrayDeque<>();
    private int heldDtlsBytes;
    private UdpSocket lastDtlsSocket;
    /** The remote IP the handshake is with, for the runtime's per-source bound; set before start. */
    private InetAddress handshakePeer;
    private InetSocketAddress lastDtlsSource;

    private ScheduledFuture<?> timer;
    private long timerDeadline = Long.MAX_VALUE;

    PeerTransport(PeerConnectionSettings settings, EventLoop loop, String logPrefix, Listener listener) {
        this.settings = settings;
        this.loop = loop;
        this.logPrefix = logPrefix;
        this.listener = listener;
    }

    boolean hasAgent() {
        return agent != null;
    }

    /** Creates the ICE agent: controlling when we offered first (RFC 8445 §6.1.1). */
    void createAgent(boolean controlling, String ufrag, String pwd, List<IceServer> stunServers) {
        if (agent != null || closed) {
            return;
        }
        IceConfig cfg = settings.ice().toBuilder().controlling(controlling).credentials(ufrag, pwd)
                .stunServers(stunServers).build();
        agent = new IceAgent(cfg, settings.random());
        if (settings.sharedPort() != null) {
            shared = settings.sharedPort().register(loop, this::onDatagram);
            shared.addUfrag(agent.localUfrag());
        }
    }

    /** Binds a socket on every host address the address filter admits (once). */
    CompletableFuture<Void> bindSockets() {
        if (!sockets.isEmpty() || closed) {
            return CompletableFuture.completedFuture(null);
        }
        if (shared != null) {
            sockets.addAll(shared.sockets());
            return CompletableFuture.completedFuture(null);
        }
        List<InetAddress> addresses = HostAddresses.enumerate(settings.addressFilter());
        List<CompletableFuture<UdpSocket>> binds = new ArrayList<>();
        for (InetAddress a : addresses) {
            binds.add(UdpSocket.bind(settings.runtime(), loop, new InetSocketAddress(a, 0),
                    settings.socketBufferBytes(), this::onDatagram));
        }
        return CompletableFuture.allOf(binds.stream().map(f -> f.handle((s, e) -> s))
                .toArray(CompletableFuture[]::new)).thenApplyAsync(v -> {
                    for (CompletableFuture<UdpSocket> f : binds) {
                        UdpSocket s = f.getNow(null);
                        if (s == null) {
                            continue;
                        }
                        if (closed) {
                            s.close();
                        } else {
                            sockets.add(s);
                        }
                    }
                    if (sockets.isEmpty() && !addresses.isEmpty()) {
                        log.warn("{}no UDP socket could be bound", logPrefix);
                    }
                    return null;
                }, loop);
    }

    /** Starts gathering (once): host candidates unless {@code relayOnly}, then server-reflexive ones. */
    void startGathering(boolean relayOnly) {
        if (gatheringStarted || agent == null || closed) {
            return;
        }
        gatheringStarted = true;
        long now = now();
        listener.onGatheringStarted();
        if (!relayOnly) {
            for (UdpSocket s : sockets) {
                agent.addHostCandidate(s.localAddress(), now);
            }
        }
        agent.startGathering(now);
        drain();
    }

    /**
     * ICE restart with new local credentials. The agent keeps its candidates (same sockets, same
     * addresses): they are reported again as the new generation.
     */
    void restart(String ufrag, String pwd) {
        if (agent == null || closed) {
            return;
        }
        agent.restart(ufrag, pwd, now());
        if (shared != null) {
            // The old ufrag stays routed: consent on the old pair uses it until the new one is nominated.
            shared.addUfrag(agent.localUfrag());
        }
        if (gatheringStarted) {
            listener.onGatheringStarted();
            for (Candidate c : agent.localCandidates()) {
                listener.onLocalCandidate(c);
            }
            if (agent.gatheringState() == io.sluice.peer.ice.GatheringState.COMPLETE) {
                listener.onGatheringComplete();
            }
        }
        drain();
    }

    void setRemoteCredentials(String ufrag, String pwd) {
        agent.setRemoteCredentials(ufrag, pwd, now());
        drain();
    }

    void addRemoteCandidate(Candidate candidate) {
        agent.addRemoteCandidate(candidate, now());
        drain();
    }

    void remoteEndOfCandidates() {
        agent.remoteEndOfCandidates(now());
        drain();
    }

    List<InetSocketAddress> socketAddresses() {
        return sockets.stream().map(UdpSocket::localAddress).toList();
    }

    CandidatePair selectedPair() {
        return agent == null ? null : agent.selectedPair();
    }

    // ------------------------------------------------------------------------------------------
    // Datagrams and the agent
    // ------------------------------------------------------------------------------------------

    private void onDatagram(UdpSocket socket, InetSocketAddress from, byte[] data) {
        counters.packetsIn.incrementAndGet();
        counters.bytesIn.addAndGet(data.length);
        if (closed || agent == null || data.length == 0) {
            counters.dropped.incrementAndGet();
            return;
        }
        switch (PacketKind.classify(data[0])) {
            case STUN:
                counters.stunIn.incrementAndGet();
                agent.handleStun(now(), socket.localAddress(), from, data, 0, data.length);
                drain();
                break;
            case DTLS:
                counters.dtlsIn.incrementAndGet();
                onDtlsDatagram(socket, from, data);
                break;
            default:
                counters.dropped.incrementAndGet();
                break;
        }
    }

    /**
     * RFC 8445 §12 / RFC 7675: nothing but STUN before a pair is valid. DTLS from a source that a
     * succeeded (or the selected) pair joins us to goes to the DTLS transport; from a source whose
     * pair is still being checked it is held (bounded) until the pair succeeds; from anywhere else
     * it is dropped and counted, and never starts a handshake.
     */
    private void onDtlsDatagram(UdpSocket socket, InetSocketAddress from, byte[] data) {
        PairState gate = agent.pairState(socket.localAddress(), from);
        if (gate == null || gate == PairState.FAILED) {
            counters.dtlsUnvalidated.incrementAndGet();
            return;
        }
        if (gate == PairState.SUCCEEDED && dtls != null) {
            releaseHeldDtls();
            deliverDtls(socket, from, data);
            return;
        }
        if (heldDtls.size() >= MAX_HELD_DTLS || heldDtlsBytes + data.length > MAX_HELD_DTLS_BYTES) {
            counters.dtlsHeldOverflow.incrementAndGet();
            return;
        }
        heldDtls.add(new Held(socket, from, data));
        heldDtlsBytes += data.length;
    }

    /** Delivers held datagrams whose source is now valid, drops those whose pair failed or went away. */
    private void releaseHeldDtls() {
        if (heldDtls.isEmpty() || agent == null) {
            return;
        }
        java.util.Iterator<Held> it = heldDtls.iterator();
        while (it.hasNext()) {
            Held h = it.next();
            PairState gate = agent.pairState(h.socket().localAddress(), h.from());
            if (gate == PairState.SUCCEEDED && dtls != null) {
                it.remove();
                heldDtlsBytes -= h.data().length;
                deliverDtls(h.socket(), h.from(), h.data());
            } else if (gate == null || gate == PairState.FAILED) {
                it.remove();
                heldDtlsBytes -= h.data().length;
                counters.dtlsUnvalidated.incrementAndGet();
            }
        }
    }

    /** From a validated source: a server's handshake starts with the peer's first flight. */
    private void deliverDtls(UdpSocket socket, InetSocketAddress from, byte[] data) {
        lastDtlsSocket = socket;
        lastDtlsSource = from;
        if (dtlsRole == DtlsRole.SERVER && dtls.state() == DtlsState.NEW) {
            handshakePeer = from.getAddress();
            dtls.start();
        }
        dtls.handleDatagram(data);
    }

    /** Sends what the agent queued, reports its events and re-arms the one timer. */
    private void drain() {
        if (agent == null) {
            return;
        }
        Transmit t;
        while ((t = agent.pollTransmit()) != null) {
            UdpSocket s = socketFor(t.localBase());
            if (s != null) {
                send(s, t.remote(), t.data());
            }
        }
        IceEvent e;
        while ((e = agent.pollEvent()) != null) {
            onIceEvent(e);
        }
        releaseHeldDtls();
        armTimer();
    }

    private void onIceEvent(IceEvent e) {
        switch (e.kind()) {
            case CANDIDATE_GATHERED:
                listener.onLocalCandidate(((IceEvent.CandidateGathered) e).candidate());
                break;
            case GATHERING_STATE_CHANGED:
                if (((IceEvent.GatheringStateChanged) e).state() == io.sluice.peer.ice.GatheringState.COMPLETE) {
                    listener.onGatheringComplete();
                }
                break;
            case CANDIDATE_ERROR:
                listener.onCandidateError((IceEvent.CandidateError) e);
                break;
            case STATE_CHANGED:
                listener.onIceState(((IceEvent.StateChanged) e).state());
                break;
            case SELECTED_PAIR_CHANGED:
                if (((IceEvent.SelectedPairChanged) e).pair() != null) {
                    startDtlsClientIfReady();
                }
                break;
            default:
                break;
        }
    }

    private void send(UdpSocket socket, InetSocketAddress to, byte[] data) {
        counters.packetsOut.incrementAndGet();
        counters.bytesOut.addAndGet(data.length);
        if (shared != null) {
            shared.send(socket, to, data);
        } else {
            socket.send(to, data);
        }
    }

    private UdpSocket socketFor(InetSocketAddress base) {
        for (UdpSocket s : sockets) {
            if (s.localAddress().equals(base)) {
                return s;
            }
        }
        return null;
    }

    private void armTimer() {
        if (agent == null || closed) {
            return;
        }
        long deadline = agent.nextDeadline();
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
        long delay = Math.max(0, deadline - now());
        timer = loop.schedule(() -> {
            timer = null;
            timerDeadline = Long.MAX_VALUE;
            if (agent != null && !closed) {
                agent.handleTimeout(now());
                drain();
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    // ------------------------------------------------------------------------------------------
    // DTLS
    // ------------------------------------------------------------------------------------------

    boolean hasDtls() {
        return dtls != null;
    }

    DtlsRole dtlsRole() {
        return dtlsRole;
    }

    /**
     * Creates the DTLS transport once the role is negotiated. A server's handshake starts with the
     * peer's first flight (it holds a pool thread while it runs, so not before); a client's once
     * ICE has a pair to send on.
     */
    void startDtls(DtlsRole role, RTCCertificate certificate, List<DtlsFingerprint> remoteFingerprints) {
        if (dtls != null || closed) {
            return;
        }
        dtlsRole = role;
        // one handshake per peer (the transport starts once), within the runtime's per-source bound
        dtls = new DtlsTransport(role, certificate.dtls(), settings.dtls(),
                task -> settings.runtime().executeHandshake(handshakePeer, task), loop,
                this::sendDtls, new DtlsListener() {
                    @Override
                    public void stateChanged(DtlsState state, String reason) {
                        listener.onDtlsState(state, reason);
                    }

                    @Override
                    public void applicationData(byte[] data) {
                        listener.onApplicationData(data);
                    }
                });
        dtls.setRemoteFingerprints(remoteFingerprints);
        if (role == DtlsRole.CLIENT) {
            startDtlsClientIfReady();
        }
        releaseHeldDtls();
    }

    void updateRemoteFingerprints(List<DtlsFingerprint> fingerprints) {
        if (dtls != null) {
            dtls.setRemoteFingerprints(fingerprints);
        }
    }

    private void startDtlsClientIfReady() {
        CandidatePair pair;
        if (dtls != null && dtlsRole == DtlsRole.CLIENT && dtls.state() == DtlsState.NEW && agent != null
                && (pair = agent.selectedPair()) != null) {
            handshakePeer = pair.remote().address().getAddress();
            dtls.start();
        }
    }

    /** DTLS output goes to the selected pair; before one exists, back to where DTLS came from. */
    private void sendDtls(byte[] datagram) {
        // After close() this still runs for the close_notify: the sockets close after it.
        loop.execute(() -> {
            if (agent != null && agent.consentLost()) {
                // RFC 7675 §5.1: once consent expired, nothing more goes to that address (SCTP's
                // retransmissions and heartbeats included) until an ICE restart finds a pair again.
                counters.unsentWithoutConsent.incrementAndGet();
                return;
            }
            CandidatePair pair = agent == null ? null : agent.selectedPair();
            if (pair != null) {
                UdpSocket s = socketFor(pair.local().base());
                if (s != null) {
                    send(s, pair.remote().address(), datagram);
                    return;
                }
            }
            if (lastDtlsSocket != null) {
                send(lastDtlsSocket, lastDtlsSource, datagram);
            }
        });
    }

    /** Sends one application record (an SCTP packet) over DTLS; false when DTLS is not connected. */
    boolean sendApplicationData(byte[] data, int offset, int length) {
        return dtls != null && dtls.send(data, offset, length);
    }

    /** Drops counted by the ICE agent and DTLS, as "layer:reason" → count. */
    void collectDrops(java.util.Map<String, Long> out) {
        long transportDrops = counters.dropped.get();
        if (transportDrops > 0) {
            out.merge("udp:unclassified", transportDrops, Long::sum);
        }
        long unsent = counters.unsentWithoutConsent.get();
        if (unsent > 0) {
            out.merge("udp:unsent-without-consent", unsent, Long::sum);
        }
        if (agent != null) {
            agent.stats().dropped().forEach((k, v) -> out.merge("ice:" + k, v, Long::sum));
        }
        if (dtls != null) {
            DtlsTransport.Stats d = dtls.stats();
            if (d.droppedJunk() > 0) {
                out.merge("dtls:junk", d.droppedJunk(), Long::sum);
            }
            if (d.droppedOversize() > 0) {
                out.merge("dtls:oversize", d.droppedOversize(), Long::sum);
            }
            if (d.droppedQueueFull() > 0) {
                out.merge("dtls:queue-full", d.droppedQueueFull(), Long::sum);
            }
        }
        if (counters.dtlsUnvalidated.get() > 0) {
            out.merge("dtls:unvalidated-source", counters.dtlsUnvalidated.get(), Long::sum);
        }
        if (counters.dtlsHeldOverflow.get() > 0) {
            out.merge("dtls:held-full", counters.dtlsHeldOverflow.get(), Long::sum);
        }
    }

    String localUfrag() {
        return agent == null ? null : agent.localUfrag();
    }

    boolean controlling() {
        return agent != null && agent.isControlling();
    }

    int dtlsCipherSuite() {
        return dtls == null ? -1 : dtls.cipherSuite();
    }

    String srtpProfile() {
        return dtls == null ? null : dtls.srtpProfile().map(Enum::name).orElse(null);
    }

    /** The remote's certificate chain (DER, leaf first); empty before the handshake. */
    List<byte[]> remoteCertificates() {
        return dtls == null ? List.of() : dtls.getRemoteCertificates();
    }

    /** The largest application record DTLS takes, or 0 before DTLS exists. */
    int applicationDataLimit() {
        return dtls == null ? 0 : dtls.getSendLimit();
    }

    // ------------------------------------------------------------------------------------------
    // close
    // ------------------------------------------------------------------------------------------

    /**
     * Sends close_notify, stops the agent and the timer, then closes the sockets (after the
     * close_notify went out). The future completes when the sockets are closed.
     */
    CompletableFuture<Void> close() {
        closed = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (dtls != null) {
            dtls.close();
        }
        if (agent != null) {
            agent.close();
            while (agent.pollEvent() != null) {
                // no events after close
            }
        }
        heldDtls.clear();
        heldDtlsBytes = 0;
        CompletableFuture<Void> done = new CompletableFuture<>();
        // The close_notify was handed to the loop by dtls.close(); close the sockets after it.
        loop.execute(() -> {
            List<CompletableFuture<Void>> closing = new ArrayList<>();
            if (shared != null) {
                shared.close(); // the shared sockets stay open for the other peers
            } else {
                for (UdpSocket s : sockets) {
                    closing.add(s.close());
                }
            }
            sockets.clear();
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> done.complete(null));
        });
        return done;
    }

    private static long now() {
        return System.nanoTime();
    }
}
