package io.sluice.peer.api;

import io.netty.channel.EventLoop;
import io.sluice.peer.api.error.InvalidAccessError;
import io.sluice.peer.api.error.InvalidModificationError;
import io.sluice.peer.api.error.InvalidStateError;
import io.sluice.peer.api.error.NotSupportedError;
import io.sluice.peer.api.error.OperationError;
import io.sluice.peer.api.error.RTCError;
import io.sluice.peer.api.error.TypeError;
import io.sluice.peer.api.error.WebRtcException;
import io.sluice.peer.datachannel.DataChannelConfig;
import io.sluice.peer.dtls.DtlsFingerprint;
import io.sluice.peer.dtls.DtlsRole;
import io.sluice.peer.dtls.DtlsState;
import io.sluice.peer.ice.Candidate;
import io.sluice.peer.ice.CandidatePair;
import io.sluice.peer.ice.CandidateParseException;
import io.sluice.peer.ice.IceEvent;
import io.sluice.peer.ice.IceServer;
import io.sluice.peer.ice.IceState;
import io.sluice.peer.net.NetworkRuntime;
import io.sluice.peer.sctp.SctpOptions;
import io.sluice.peer.sdp.Attribute;
import io.sluice.peer.sdp.Fingerprint;
import io.sluice.peer.sdp.MediaDescription;
import io.sluice.peer.sdp.SdpCandidate;
import io.sluice.peer.sdp.SdpParseException;
import io.sluice.peer.sdp.SessionDescription;
import io.sluice.peer.sdp.Setup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * W3C RTCPeerConnection, server side.
 *
 * <p><b>Threads.</b> Each connection is pinned to one event loop of its {@link NetworkRuntime};
 * all its protocol state lives there. Methods may be called from any thread: they queue their
 * work on the loop (in call order, as the W3C operations chain does) and return futures that
 * complete on the loop. Listeners run on the loop, must not block, and may call back into the
 * API (the call is queued, never re-entered). Never block the loop waiting on one of this
 * connection's futures.
 *
 * <p><b>Errors.</b> Futures fail with the W3C-named subclasses of {@link WebRtcException}; a call
 * that fails changes nothing.
 *
 */
public final class RTCPeerConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RTCPeerConnection.class);
    private static final AtomicLong IDS = new AtomicLong();
    private static final int MAX_REMOTE_CANDIDATES = 200;

    private final PeerConnectionSettings settings;
    private final NetworkRuntime runtime;
    private final EventLoop loop;
    private final String logPrefix;
    private final RTCCertificate certificate;
    private final long sessionId;
    private final CopyOnWriteArrayList<PeerConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<List<IceServer>> stunServers;
    private final PeerTransport transport;

    // Published state, written on the loop (or by close()), readable from any thread.
    private volatile RTCConfiguration configuration;
    private volatile RTCSignalingState signalingState = RTCSignalingState.STABLE;
    private volatile RTCIceGatheringState iceGatheringState = RTCIceGatheringState.NEW;
    private volatile RTCIceConnectionState iceConnectionState = RTCIceConnectionState.NEW;
    private volatile RTCPeerConnectionState connectionState = RTCPeerConnectionState.NEW;
    private volatile RTCDtlsTransportState dtlsState = RTCDtlsTransportState.NEW;
    private volatile Desc currentLocal;
    private volatile Desc pendingLocal;
    private volatile Desc currentRemote;
    private volatile Desc pendingRemote;
    private volatile Boolean canTrickle;

    // Loop-confined state.
    private CompletableFuture<?> chainTail = CompletableFuture.completedFuture(null);
    private int pendingOperations;
    private long sessionVersion;
    private String lastCreatedOffer;
    private String lastCreatedAnswer;
    private Credentials localCredentials;
    private Credentials offeredCredentials;
    private boolean restartRequested;
    private boolean dataChannelRequested;
    private boolean negotiationNeeded;
    /** Exceptions thrown by the application's listeners (connection and channels). */
    private final java.util.concurrent.atomic.AtomicLong listenerFailures = new java.util.concurrent.atomic.AtomicLong();
    private final DataChannels dataChannels;
    private final RTCDtlsTransport dtlsTransport;
    private volatile RTCSctpTransport sctpTransport;

    private final List<SdpCandidate> gatheredCandidates = new ArrayList<>();
    private boolean gatheringComplete;
    private String transportMid;
    private Credentials remoteCredentials;
    private int remoteCandidateCount;

    private List<DtlsFingerprint> remoteFingerprints = List.of();

    /** A description as set: the W3C object and its parsed form. */
    private record Desc(RTCSessionDescription description, SessionDescription parsed) {
    }

    private record Credentials(String ufrag, String pwd) {
    }

    public RTCPeerConnection() {
        this(RTCConfiguration.defaults(), PeerConnectionSettings.defaults());
    }

    public RTCPeerConnection(RTCConfiguration configuration) {
        this(configuration, PeerConnectionSettings.defaults());
    }

    /**
     * @throws WebRtcException as the W3C constructor does: InvalidAccessError for an expired
     *     certificate or TURN without credentials, SyntaxError for a bad ICE server URL,
     *     NotSupportedError for what Sluice does not do yet (TURN, stuns)
     */
    public RTCPeerConnection(RTCConfiguration configuration, PeerConnectionSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(configuration, "configuration");
        this.runtime = settings.runtime();
        List<RTCIceServer.Url> urls = validate(configuration);
        long now = System.currentTimeMillis();
        for (RTCCertificate c : configuration.certificates()) {
            if (c.dtls().isExpired(now)) {
                throw new InvalidAccessError("certificate expired at " + c.expires());
            }
        }
        this.certificate = configuration.certificates().isEmpty()
                ? RTCCertificate.generate(RTCCertificate.KeygenAlgorithm.ecdsaP256(), now, settings.random())
                : configuration.certificates().get(0);
        if (configuration.certificates().isEmpty()) {
            configuration = configuration.toBuilder().certificates(List.of(certificate)).build();
        }
        this.configuration = configuration;
        this.loop = runtime.nextLoop();
        this.logPrefix = "pc=" + Long.toHexString(IDS.incrementAndGet()) + " ";
        this.sessionId = settings.random().nextLong() & 0x3fffffffffffffffL;
        this.localCredentials = newCredentials();
        this.stunServers = resolve(urls);
        this.transport = new PeerTransport(settings, loop, logPrefix, new TransportEvents());
        this.dtlsTransport = new RTCDtlsTransport(() -> dtlsState, () -> onLoop(transport::remoteCertificates));
        this.dataChannels = new DataChannels(loop, settings.random(), logPrefix, SctpOptions.defaults(),
                DataChannelConfig.DEFAULT, new DataChannels.Listener() {
                    @Override
                    public void onDataChannel(RTCDataChannel channel) {
                        fire(l -> l.onDataChannel(channel));
                    }

                    @Override
                    public void onSctpState(RTCSctpTransportState state) {
                        RTCSctpTransport t = sctpTransport;
                        if (t != null) {
                            t.setState(state);
                        }
                    }

                    @Override
                    public boolean sendPacket(byte[] packet) {
                        return transport.sendApplicationData(packet, 0, packet.length);
                    }

                    @Override
                    public void onListenerFailure(RTCDataChannel channel, RuntimeException failure) {
                        listenerFailed(channel, failure);
                    }
                });
    }

    // ------------------------------------------------------------------------------------------
    // Configuration
    // ------------------------------------------------------------------------------------------

    private static List<RTCIceServer.Url> validate(RTCConfiguration configuration) {
        List<RTCIceServer.Url> all = new ArrayList<>();
        for (RTCIceServer server : configuration.iceServers()) {
            for (RTCIceServer.Url url : server.parseUrls()) {
                if (url.isTurn()) {
                    throw new NotSupportedError("TURN is not supported yet: " + url.text());
                }
                if (url.isSecure()) {
                    throw new NotSupportedError("stuns (STUN over TLS) is not supported: " + url.text());
                }
                all.add(url);
            }
        }
        if (configuration.iceCandidatePoolSize() < 0 || configuration.iceCandidatePoolSize() > 255) {
            throw new TypeError("iceCandidatePoolSize must be 0..255");
        }
        return all;
    }

    private CompletableFuture<List<IceServer>> resolve(List<RTCIceServer.Url> urls) {
        if (urls.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        return CompletableFuture.supplyAsync(() -> {
            List<IceServer> out = new ArrayList<>();
            for (RTCIceServer.Url url : urls) {
                try {
                    for (InetAddress a : InetAddress.getAllByName(url.host())) {
                        out.add(new IceServer(url.text(), new InetSocketAddress(a, url.port())));
                    }
                } catch (java.net.UnknownHostException e) {
                    log.info("{}STUN server {} does not resolve", logPrefix, url.text());
                }
            }
            return out;
        }, runtime.utilityPool());
    }

    public RTCConfiguration getConfiguration() {
        return configuration;
    }

    /**
     * Changes the configuration as the W3C steps allow: certificates, bundlePolicy and
     * rtcpMuxPolicy may not change (InvalidModificationError), nor iceCandidatePoolSize once a
     * local description is set. New ICE servers apply from the next gathering (an ICE restart).
     */
    public void setConfiguration(RTCConfiguration next) {
        Objects.requireNonNull(next, "configuration");
        if (closed.get()) {
            throw new InvalidStateError("the RTCPeerConnection is closed");
        }
        RTCConfiguration cur = configuration;
        if (!next.certificates().isEmpty() && !next.certificates().equals(cur.certificates())) {
            throw new InvalidModificationError("certificates cannot be changed");
        }
        if (next.bundlePolicy() != cur.bundlePolicy()) {
            throw new InvalidModificationError("bundlePolicy cannot be changed");
        }
        if (next.rtcpMuxPolicy() != cur.rtcpMuxPolicy()) {
            throw new InvalidModificationError("rtcpMuxPolicy cannot be changed");
        }
        if (next.iceCandidatePoolSize() != cur.iceCandidatePoolSize() && (currentLocal != null || pendingLocal != null)) {
            throw new InvalidModificationError("iceCandidatePoolSize cannot change after setLocalDescription");
        }
        validate(next);
        configuration = next.toBuilder().certificates(cur.certificates()).build();
    }

    /** Generates a certificate for {@link RTCConfiguration#certificates()} (off the caller's thread). */
    public static CompletableFuture<RTCCertificate> generateCertificate(RTCCertificate.KeygenAlgorithm algorithm) {
        CompletableFuture<RTCCertificate> out = new CompletableFuture<>();
        try {
            NetworkRuntime.shared().utilityPool().execute(() -> {
                try {
                    out.complete(RTCCertificate.generate(algorithm, System.currentTimeMillis(),
                            io.sluice.peer.time.RandomSource.secure()));
                } catch (RuntimeException e) {
                    out.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            out.completeExceptionally(new OperationError("too many certificate requests at once"));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // Properties
    // ------------------------------------------------------------------------------------------

    public RTCSignalingState signalingState() {
        return signalingState;
    }

    public RTCIceGatheringState iceGatheringState() {
        return iceGatheringState;
    }

    public RTCIceConnectionState iceConnectionState() {
        return iceConnectionState;
    }

    public RTCPeerConnectionState connectionState() {
        return connectionState;
    }

    /** The state of the DTLS transport (W3C RTCDtlsTransport.state). */
    public RTCDtlsTransportState dtlsTransportState() {
        return dtlsState;
    }

    public RTCSessionDescription localDescription() {
        Desc d = pendingLocal != null ? pendingLocal : currentLocal;
        return d == null ? null : d.description();
    }

    public RTCSessionDescription remoteDescription() {
        Desc d = pendingRemote != null ? pendingRemote : currentRemote;
        return d == null ? null : d.description();
    }

    public RTCSessionDescription currentLocalDescription() {
        Desc d = currentLocal;
        return d == null ? null : d.description();
    }

    public RTCSessionDescription currentRemoteDescription() {
        Desc d = currentRemote;
        return d == null ? null : d.description();
    }

    public RTCSessionDescription pendingLocalDescription() {
        Desc d = pendingLocal;
        return d == null ? null : d.description();
    }

    public RTCSessionDescription pendingRemoteDescription() {
        Desc d = pendingRemote;
        return d == null ? null : d.description();
    }

    /** From the remote description's {@code a=ice-options:trickle}; null before one is set. */
    public Boolean canTrickleIceCandidates() {
        return canTrickle;
    }

    public RTCCertificate certificate() {
        return certificate;
    }

    /**
     * W3C getStats(): peer-connection, transport, candidate-pair (selected), local-candidate,
     * remote-candidate, certificate and data-channel stats. Media stats come with media.
     */
    public CompletableFuture<RTCStatsReport> getStats() {
        return onLoopAsync(this::collectStats);
    }

    private RTCStatsReport collectStats() {
        long ts = System.currentTimeMillis();
        RTCStatsReport.Builder r = new RTCStatsReport.Builder();
        Map<String, Object> pcStats = r.add("P", "peer-connection", ts);
        pcStats.put("dataChannelsOpened", dataChannels.openedCount());
        pcStats.put("listenerFailures", listenerFailures.get());
        pcStats.put("dataChannelsClosed", dataChannels.closedCount());
        Map<String, Object> t = r.add("T01", "transport", ts);
        t.put("bytesSent", transport.counters.bytesOut.get());
        t.put("bytesReceived", transport.counters.bytesIn.get());
        t.put("packetsSent", transport.counters.packetsOut.get());
        t.put("packetsReceived", transport.counters.packetsIn.get());
        // Sluice extension: DTLS datagrams dropped because no valid ICE pair joins us to their source
        t.put("dtlsPacketsDroppedUnvalidatedSource", transport.counters.dtlsUnvalidated.get());
        t.put("iceRole", transport.hasAgent() ? (transport.controlling() ? "controlling" : "controlled") : "unknown");
        t.put("iceLocalUsernameFragment", transport.localUfrag());
        t.put("iceState", iceConnectionState.spec());
        t.put("dtlsState", dtlsState.spec());
        if (transport.hasDtls()) {
            t.put("dtlsRole", transport.dtlsRole() == DtlsRole.CLIENT ? "client" : "server");
            int suite = transport.dtlsCipherSuite();
            if (suite >= 0) {
                t.put("tlsVersion", "FEFD");
                t.put("dtlsCipher", cipherName(suite));
            }
            if (transport.srtpProfile() != null) {
                t.put("srtpCipher", transport.srtpProfile());
            }
        }
        DtlsFingerprint local = certificate.dtls().fingerprint();
        Map<String, Object> lc = r.add("CF-local", "certificate", ts);
        lc.put("fingerprint", local.toSdp().substring(local.toSdp().indexOf(' ') + 1));
        lc.put("fingerprintAlgorithm", local.algorithm());
        lc.put("base64Certificate", java.util.Base64.getEncoder().encodeToString(certificate.dtls().der()));
        t.put("localCertificateId", "CF-local");
        List<byte[]> remoteChain = transport.remoteCertificates();
        if (!remoteChain.isEmpty()) {
            DtlsFingerprint remote = DtlsFingerprint.of("sha-256", remoteChain.get(0));
            Map<String, Object> rc = r.add("CF-remote", "certificate", ts);
            rc.put("fingerprint", remote.toSdp().substring(remote.toSdp().indexOf(' ') + 1));
            rc.put("fingerprintAlgorithm", remote.algorithm());
            rc.put("base64Certificate", java.util.Base64.getEncoder().encodeToString(remoteChain.get(0)));
            t.put("remoteCertificateId", "CF-remote");
        }
        CandidatePair pair = transport.selectedPair();
        if (pair != null) {
            String lid = "I" + candidateId(pair.local());
            String rid = "I" + candidateId(pair.remote());
            candidateStats(r.add(lid, "local-candidate", ts), pair.local());
            candidateStats(r.add(rid, "remote-candidate", ts), pair.remote());
            Map<String, Object> cp = r.add("CP" + lid.substring(1) + "_" + rid.substring(1), "candidate-pair", ts);
            cp.put("transportId", "T01");
            cp.put("localCandidateId", lid);
            cp.put("remoteCandidateId", rid);
            cp.put("state", pair.state().spec());
            cp.put("nominated", pair.nominated());
            cp.put("priority", pair.priority());
            t.put("selectedCandidatePairId", cp.get("id"));
        }
        dataChannels.collectStats(r, ts);
        return r.build();
    }

    /** IANA names of the suites our DTLS offers. */
    private static String cipherName(int suite) {
        switch (suite) {
            case 0xC02B:
                return "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
            case 0xC02C:
                return "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
            case 0xC02F:
                return "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
            case 0xC030:
                return "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";
            case 0xCCA9:
                return "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";
            case 0xCCA8:
                return "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
            default:
                return String.format("0x%04X", suite);
        }
    }

    private static String candidateId(Candidate c) {
        return Integer.toHexString((c.address().toString() + c.type().spec() + c.priority()).hashCode());
    }

    private static void candidateStats(Map<String, Object> m, Candidate c) {
        m.put("transportId", "T01");
        m.put("address", c.address().getHostString());
        m.put("port", c.address().getPort());
        m.put("protocol", c.transport());
        m.put("candidateType", c.type().spec());
        m.put("priority", c.priority());
        m.put("foundation", c.foundation());
    }

    /**
     * Input dropped by this connection's protocol layers (bad, unauthenticated or unexpected
     * packets), as {@code "layer:reason" → count}; for metrics.
     */
    public CompletableFuture<Map<String, Long>> dropCounts() {
        return onLoopAsync(() -> {
            Map<String, Long> out = new java.util.TreeMap<>();
            transport.collectDrops(out);
            dataChannels.collectDrops(out);
            return out;
        });
    }

    /**
     * The SCTP association's counters and congestion state (a Sluice extension: W3C has no SCTP
     * stats); null before the association starts.
     */
    public CompletableFuture<io.sluice.peer.sctp.SctpStats> sctpStats() {
        return onLoopAsync(dataChannels::sctpStats);
    }

    /** W3C {@code sctp}: the SCTP transport, null until an application m-section is negotiated. */
    public RTCSctpTransport sctp() {
        return sctpTransport;
    }

    /** The UDP addresses this connection's sockets are bound to (its host candidates' bases). */
    public List<InetSocketAddress> localSocketAddresses() {
        return onLoop(transport::socketAddresses);
    }

    /** The selected candidate pair, or null (W3C RTCIceTransport.getSelectedCandidatePair()). */
    public CandidatePair selectedCandidatePair() {
        return onLoop(transport::selectedPair);
    }

    // ------------------------------------------------------------------------------------------
    // Listeners
    // ------------------------------------------------------------------------------------------

    public void addListener(PeerConnectionListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(PeerConnectionListener listener) {
        listeners.remove(listener);
    }

    private void fire(Consumer<PeerConnectionListener> event) {
        for (PeerConnectionListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.warn("{}listener failed", logPrefix, e);
                listenerFailed(null, e);
            }
        }
    }

    /** A listener threw: counted, and reported to every listener (whose own failures here are only logged). */
    private void listenerFailed(RTCDataChannel channel, RuntimeException failure) {
        listenerFailures.incrementAndGet();
        for (PeerConnectionListener l : listeners) {
            try {
                l.onListenerFailure(channel, failure);
            } catch (RuntimeException e) {
                log.error("{}onListenerFailure failed", logPrefix, e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // The operations chain
    // ------------------------------------------------------------------------------------------

    /** Runs {@code body} on the loop once every earlier operation has finished. */
    private <T> CompletableFuture<T> enqueue(Supplier<CompletableFuture<T>> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed.get()) {
            result.completeExceptionally(new InvalidStateError("the RTCPeerConnection is closed"));
            return result;
        }
        loop.execute(() -> {
            pendingOperations++;
            CompletableFuture<T> mine = chainTail.handle((x, e) -> null).thenCompose(v -> {
                if (closed.get()) {
                    return CompletableFuture.failedFuture(new InvalidStateError("the RTCPeerConnection is closed"));
                }
                try {
                    return body.get();
                } catch (WebRtcException e) {
                    return CompletableFuture.failedFuture(e);
                } catch (RuntimeException e) {
                    log.error("{}internal error", logPrefix, e);
                    return CompletableFuture.failedFuture(new OperationError("internal error: " + e, e));
                }
            });
            chainTail = mine;
            mine.whenComplete((v, e) -> {
                pendingOperations--;
                if (e != null) {
                    result.completeExceptionally(unwrap(e));
                } else {
                    result.complete(v);
                }
                if (pendingOperations == 0) {
                    updateNegotiationNeeded();
                }
            });
        });
        return result;
    }

    private <T> CompletableFuture<T> onLoopAsync(Supplier<T> body) {
        return CompletableFuture.supplyAsync(body, loop);
    }

    private <T> T onLoop(Supplier<T> body) {
        if (loop.inEventLoop()) {
            return body.get();
        }
        return onLoopAsync(body).join();
    }

    private static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    // ------------------------------------------------------------------------------------------
    // createOffer / createAnswer
    // ------------------------------------------------------------------------------------------

    public CompletableFuture<RTCSessionDescription> createOffer() {
        return createOffer(RTCOfferOptions.DEFAULT);
    }

    public CompletableFuture<RTCSessionDescription> createOffer(RTCOfferOptions options) {
        RTCOfferOptions opts = options == null ? RTCOfferOptions.DEFAULT : options;
        return enqueue(() -> CompletableFuture.completedFuture(doCreateOffer(opts)));
    }

    private RTCSessionDescription doCreateOffer(RTCOfferOptions options) {
        if (options.iceRestart()) {
            restartRequested = true;
        }
        Credentials creds = localCredentials;
        if (restartRequested) {
            creds = offeredCredentials != null && !offeredCredentials.equals(localCredentials) ? offeredCredentials
                    : newCredentials();
        }
        offeredCredentials = creds;
        List<Jsep.Section> sections = offerSections();
        boolean sameGeneration = creds.equals(localCredentials);
        Jsep.Transport t = new Jsep.Transport(creds.ufrag(), creds.pwd(), localFingerprint(), Setup.ACTPASS,
                sameGeneration ? List.copyOf(gatheredCandidates) : List.of(), sameGeneration && gatheringComplete);
        String sdp = Jsep.build(sessionId, ++sessionVersion, sections, t).toString();
        lastCreatedOffer = sdp;
        return RTCSessionDescription.offer(sdp);
    }

    /** JSEP §5.2.2: a re-offer keeps every m-section of the current negotiation, in order. */
    private List<Jsep.Section> offerSections() {
        List<Jsep.Section> out = new ArrayList<>();
        Desc base = currentLocal != null ? currentLocal : null;
        boolean haveData = false;
        if (base != null) {
            for (MediaDescription m : base.parsed().media()) {
                boolean data = Jsep.isDataSection(m) && !m.isRejected();
                out.add(new Jsep.Section(m.mid(), m.type(), m.proto(), m.formats(), !data));
                haveData |= data;
            }
        }
        if (!haveData && dataChannelRequested) {
            out.add(Jsep.Section.application(freeMid(out)));
        }
        return out;
    }

    private static String freeMid(List<Jsep.Section> sections) {
        for (int i = 0;; i++) {
            String mid = Integer.toString(i);
            if (sections.stream().noneMatch(s -> mid.equals(s.mid()))) {
                return mid;
            }
        }
    }

    public CompletableFuture<RTCSessionDescription> createAnswer() {
        return enqueue(() -> CompletableFuture.completedFuture(doCreateAnswer()));
    }

    private RTCSessionDescription doCreateAnswer() {
        if (signalingState != RTCSignalingState.HAVE_REMOTE_OFFER
                && signalingState != RTCSignalingState.HAVE_LOCAL_PRANSWER) {
            throw new InvalidStateError("createAnswer needs a remote offer; signalingState is " + signalingState);
        }
        SessionDescription offer = pendingRemote.parsed();
        List<Jsep.Section> sections = Jsep.answerSections(offer);
        MediaDescription accepted = null;
        for (int i = 0; i < sections.size(); i++) {
            if (!sections.get(i).rejected()) {
                accepted = offer.media().get(i);
                break;
            }
        }
        Setup setup = accepted == null ? Setup.ACTIVE : Jsep.answerSetup(offer.setup(accepted));
        Credentials creds = localCredentials;
        if (restartRequested || remoteRestarted(offer)) {
            creds = offeredCredentials != null && !offeredCredentials.equals(localCredentials) ? offeredCredentials
                    : newCredentials();
            offeredCredentials = creds;
        }
        boolean sameGeneration = creds.equals(localCredentials);
        Jsep.Transport t = new Jsep.Transport(creds.ufrag(), creds.pwd(), localFingerprint(), setup,
                sameGeneration ? List.copyOf(gatheredCandidates) : List.of(), sameGeneration && gatheringComplete);
        String sdp = Jsep.build(sessionId, ++sessionVersion, sections, t).toString();
        lastCreatedAnswer = sdp;
        return RTCSessionDescription.answer(sdp);
    }

    private boolean remoteRestarted(SessionDescription offer) {
        if (remoteCredentials == null) {
            return false;
        }
        MediaDescription m = transportSection(offer);
        return m != null && !remoteCredentials.ufrag().equals(offer.iceUfrag(m));
    }

    private Fingerprint localFingerprint() {
        DtlsFingerprint f = certificate.dtls().fingerprint();
        return new Fingerprint(f.algorithm(), f.value());
    }

    private Credentials newCredentials() {
        return new Credentials(settings.random().iceChars(8), settings.random().iceChars(24));
    }

    // ------------------------------------------------------------------------------------------
    // setLocalDescription / setRemoteDescription
    // ------------------------------------------------------------------------------------------

    /** The implicit form: creates the offer or answer the signaling state calls for and sets it. */
    public CompletableFuture<Void> setLocalDescription() {
        return setLocalDescription(null);
    }

    public CompletableFuture<Void> setLocalDescription(RTCSessionDescription description) {
        return enqueue(() -> doSetLocal(description));
    }

    private CompletableFuture<Void> doSetLocal(RTCSessionDescription requested) {
        RTCSessionDescription d = requested;
        RTCSdpType type = d == null ? null : d.type();
        if (type == RTCSdpType.ROLLBACK) {
            rollback(true);
            return CompletableFuture.completedFuture(null);
        }
        if (d == null || d.sdp().isEmpty()) {
            boolean offerState = signalingState == RTCSignalingState.STABLE
                    || signalingState == RTCSignalingState.HAVE_LOCAL_OFFER
                    || signalingState == RTCSignalingState.HAVE_REMOTE_PRANSWER;
            if (type == null) {
                type = offerState ? RTCSdpType.OFFER : RTCSdpType.ANSWER;
            }
            if (type == RTCSdpType.OFFER) {
                if (!offerState) {
                    throw new InvalidStateError("cannot set a local offer in signalingState " + signalingState);
                }
                d = lastCreatedOffer != null && signalingState == RTCSignalingState.HAVE_LOCAL_OFFER
                        && lastCreatedOffer.equals(pendingLocal == null ? null : pendingLocal.description().sdp())
                        ? RTCSessionDescription.offer(lastCreatedOffer) : doCreateOffer(RTCOfferOptions.DEFAULT);
            } else {
                RTCSessionDescription answer = doCreateAnswer();
                d = new RTCSessionDescription(type, answer.sdp());
            }
        }
        switch (d.type()) {
            case OFFER:
                if (signalingState != RTCSignalingState.STABLE
                        && signalingState != RTCSignalingState.HAVE_LOCAL_OFFER) {
                    throw new InvalidStateError("cannot set a local offer in signalingState " + signalingState);
                }
                if (!d.sdp().equals(lastCreatedOffer)) {
                    throw new InvalidModificationError("the offer is not the last one createOffer returned");
                }
                break;
            case ANSWER:
            case PRANSWER:
                if (signalingState != RTCSignalingState.HAVE_REMOTE_OFFER
                        && signalingState != RTCSignalingState.HAVE_LOCAL_PRANSWER) {
                    throw new InvalidStateError("cannot set a local " + d.type() + " in signalingState "
                            + signalingState);
                }
                if (!d.sdp().equals(lastCreatedAnswer)) {
                    throw new InvalidModificationError("the answer is not the last one createAnswer returned");
                }
                break;
            default:
                throw new TypeError("unknown description type " + d.type());
        }
        SessionDescription parsed = parse(d.sdp());
        RTCSessionDescription desc = d;
        return ensureTransport(d.type() == RTCSdpType.OFFER).thenApply(v -> {
            applyLocal(new Desc(desc, parsed));
            return null;
        });
    }

    private void applyLocal(Desc desc) {
        SessionDescription sdp = desc.parsed();
        MediaDescription m = transportSection(sdp);
        Credentials creds = m == null ? localCredentials : new Credentials(sdp.iceUfrag(m), sdp.icePwd(m));
        if (!creds.equals(localCredentials)) {
            localCredentials = creds;
            gatheredCandidates.clear();
            gatheringComplete = false;
            restartRequested = false;
            offeredCredentials = null;
            transport.restart(creds.ufrag(), creds.pwd());
        } else if (desc.description().type() != RTCSdpType.OFFER || remoteCredentials != null) {
            restartRequested = false;
        }
        if (m != null) {
            transportMid = m.mid();
        }
        RTCSignalingState next;
        if (desc.description().type() == RTCSdpType.OFFER) {
            pendingLocal = desc;
            next = RTCSignalingState.HAVE_LOCAL_OFFER;
        } else if (desc.description().type() == RTCSdpType.PRANSWER) {
            pendingLocal = desc;
            next = RTCSignalingState.HAVE_LOCAL_PRANSWER;
        } else {
            currentLocal = desc;
            currentRemote = pendingRemote;
            pendingLocal = null;
            pendingRemote = null;
            next = RTCSignalingState.STABLE;
            negotiated(desc.parsed(), true);
        }
        setSignalingState(next);
        transport.startGathering(configuration.iceTransportPolicy() == RTCIceTransportPolicy.RELAY);
    }

    public CompletableFuture<Void> setRemoteDescription(RTCSessionDescription description) {
        Objects.requireNonNull(description, "description");
        return enqueue(() -> doSetRemote(description));
    }

    private CompletableFuture<Void> doSetRemote(RTCSessionDescription d) {
        if (d.type() == RTCSdpType.ROLLBACK) {
            rollback(false);
            return CompletableFuture.completedFuture(null);
        }
        switch (d.type()) {
            case OFFER:
                if (signalingState != RTCSignalingState.STABLE && signalingState != RTCSignalingState.HAVE_REMOTE_OFFER
                        && signalingState != RTCSignalingState.HAVE_LOCAL_OFFER) {
                    throw new InvalidStateError("cannot set a remote offer in signalingState " + signalingState);
                }
                break;
            case ANSWER:
            case PRANSWER:
                if (signalingState != RTCSignalingState.HAVE_LOCAL_OFFER
                        && signalingState != RTCSignalingState.HAVE_REMOTE_PRANSWER) {
                    throw new InvalidStateError("cannot set a remote " + d.type() + " in signalingState "
                            + signalingState);
                }
                break;
            default:
                throw new TypeError("unknown description type " + d.type());
        }
        SessionDescription parsed = parse(d.sdp());
        checkRemote(d.type(), parsed);
        if (d.type() == RTCSdpType.OFFER && signalingState == RTCSignalingState.HAVE_LOCAL_OFFER) {
            // W3C "perfect negotiation": a remote offer in have-local-offer rolls the local one back first.
            rollback(true);
        }
        return ensureTransport(false).thenApply(v -> {
            applyRemote(new Desc(d, parsed));
            return null;
        });
    }

    /** Validates a remote description against JSEP before anything changes (RFC 9429 §5.8). */
    private void checkRemote(RTCSdpType type, SessionDescription sdp) {
        if (type != RTCSdpType.OFFER) {
            SessionDescription offer = pendingLocal.parsed();
            if (sdp.media().size() != offer.media().size()) {
                throw new InvalidAccessError("the answer has " + sdp.media().size() + " m-sections, the offer "
                        + offer.media().size());
            }
            for (int i = 0; i < sdp.media().size(); i++) {
                String a = sdp.media().get(i).mid();
                String o = offer.media().get(i).mid();
                if (!Objects.equals(a, o)) {
                    throw new InvalidAccessError("m-section " + i + " of the answer has mid " + a + ", the offer " + o);
                }
            }
        }
        for (MediaDescription m : sdp.media()) {
            if (m.isRejected()) {
                continue;
            }
            if (m.mid() == null) {
                throw new InvalidAccessError("m-section " + m.type() + " has no a=mid");
            }
            if (sdp.iceUfrag(m) == null || sdp.icePwd(m) == null) {
                throw new InvalidAccessError("m-section " + m.mid() + " has no a=ice-ufrag / a=ice-pwd");
            }
            if (sdp.fingerprints(m).isEmpty()) {
                throw new InvalidAccessError("m-section " + m.mid() + " has no a=fingerprint (DTLS is required)");
            }
            Setup setup = sdp.setup(m);
            if (type != RTCSdpType.OFFER && setup == Setup.ACTPASS) {
                throw new InvalidAccessError("an answer must not say a=setup:actpass");
            }
            if (m.isRtp() && !m.rtcpMux()) {
                throw new InvalidAccessError("m-section " + m.mid() + " lacks a=rtcp-mux (rtcpMuxPolicy is require)");
            }
        }
        MediaDescription t = transportSection(sdp);
        if (type == RTCSdpType.OFFER && t == null && !sdp.media().isEmpty()) {
            throw new NotSupportedError("no m-section of the offer can be answered: " + unanswerable(sdp)
                    + " (Sluice answers data channels: m=application UDP/DTLS/SCTP webrtc-datachannel, or DTLS/SCTP"
                    + " with a=sctpmap; media tracks are not supported yet)");
        }
        if (t != null) {
            for (Fingerprint f : sdp.fingerprints(t)) {
                if (!DtlsFingerprint.SUPPORTED.contains(f.hashFunction().toLowerCase(java.util.Locale.ROOT))) {
                    throw new InvalidAccessError("unsupported fingerprint hash " + f.hashFunction());
                }
            }
        }
    }

    /** The m-lines of {@code sdp}, for an error message: "m=audio 9 UDP/TLS/RTP/SAVPF 111, ...". */
    private static String unanswerable(SessionDescription sdp) {
        StringBuilder b = new StringBuilder();
        for (MediaDescription m : sdp.media()) {
            if (b.length() > 0) {
                b.append(", ");
            }
            if (b.length() > 400) {
                b.append("...");
                break;
            }
            b.append("m=").append(m.type()).append(' ').append(m.port()).append(' ').append(m.proto()).append(' ')
                    .append(String.join(" ", m.formats().subList(0, Math.min(8, m.formats().size()))));
            if (m.isRejected()) {
                b.append(" (rejected)");
            }
        }
        return b.toString();
    }

    private void applyRemote(Desc desc) {
        SessionDescription sdp = desc.parsed();
        RTCSdpType type = desc.description().type();
        MediaDescription m = transportSection(sdp);
        if (m != null) {
            Credentials creds = new Credentials(sdp.iceUfrag(m), sdp.icePwd(m));
            if (!creds.equals(remoteCredentials)) {
                boolean restart = remoteCredentials != null;
                remoteCredentials = creds;
                remoteCandidateCount = 0;
                if (restart && type == RTCSdpType.OFFER && localCredentials.equals(offeredCredentialsOrLocal())) {
                    // The remote restarts ICE: our answer will carry new credentials too.
                    restartRequested = true;
                }
                transport.setRemoteCredentials(creds.ufrag(), creds.pwd());
            }
            List<DtlsFingerprint> fps = new ArrayList<>();
            for (Fingerprint f : sdp.fingerprints(m)) {
                fps.add(new DtlsFingerprint(f.hashFunction().toLowerCase(java.util.Locale.ROOT), f.digest()));
            }
            remoteFingerprints = fps;
            for (SdpCandidate c : m.candidates()) {
                addRemote(c);
            }
            if (m.endOfCandidates()) {
                transport.remoteEndOfCandidates();
            }
            canTrickle = sdp.canTrickle(m);
            if (transportMid == null) {
                transportMid = m.mid();
            }
        } else {
            canTrickle = sdp.iceOptions().contains("trickle");
        }
        RTCSignalingState next;
        if (type == RTCSdpType.OFFER) {
            pendingRemote = desc;
            next = RTCSignalingState.HAVE_REMOTE_OFFER;
        } else if (type == RTCSdpType.PRANSWER) {
            pendingRemote = desc;
            next = RTCSignalingState.HAVE_REMOTE_PRANSWER;
        } else {
            currentRemote = desc;
            currentLocal = pendingLocal;
            pendingLocal = null;
            pendingRemote = null;
            next = RTCSignalingState.STABLE;
            negotiated(sdp, false);
        }
        setSignalingState(next);
    }

    private Credentials offeredCredentialsOrLocal() {
        return offeredCredentials != null ? offeredCredentials : localCredentials;
    }

    /** Negotiation finished (an answer was applied): the DTLS role is known and the handshake can start. */
    private void negotiated(SessionDescription answer, boolean answerIsLocal) {
        MediaDescription m = transportSection(answer);
        if (m == null) {
            return;
        }
        if (sctpTransport == null && Jsep.isDataSection(m)) {
            sctpTransport = new RTCSctpTransport(dtlsTransport, dataChannels);
        }
        Desc remote = currentRemote;
        MediaDescription remoteSection = remote == null ? null : transportSection(remote.parsed());
        if (remoteSection != null) {
            dataChannels.setRemoteMaxMessageSize(remoteSection.maxMessageSize());
            dataChannels.setRemoteSctpPort(Jsep.remoteSctpPort(remoteSection));
        }
        Setup setup = answer.setup(m);
        DtlsRole role;
        if (answerIsLocal) {
            role = setup == Setup.PASSIVE ? DtlsRole.SERVER : DtlsRole.CLIENT;
        } else {
            role = setup == Setup.ACTIVE ? DtlsRole.SERVER : DtlsRole.CLIENT;
        }
        if (!transport.hasDtls()) {
            transport.startDtls(role, certificate, remoteFingerprints);
        } else if (role != transport.dtlsRole()) {
            log.info("{}renegotiation asked for DTLS role {} while {} runs; keeping it", logPrefix, role,
                    transport.dtlsRole());
        } else {
            transport.updateRemoteFingerprints(remoteFingerprints);
        }
    }

    private void rollback(boolean local) {
        if (signalingState != RTCSignalingState.HAVE_LOCAL_OFFER
                && signalingState != RTCSignalingState.HAVE_REMOTE_OFFER) {
            throw new InvalidStateError("nothing to roll back in signalingState " + signalingState);
        }
        if (signalingState == RTCSignalingState.HAVE_REMOTE_OFFER && pendingRemote != null) {
            Desc restore = currentRemote;
            if (restore != null) {
                MediaDescription m = transportSection(restore.parsed());
                if (m != null) {
                    remoteCredentials = new Credentials(restore.parsed().iceUfrag(m), restore.parsed().icePwd(m));
                }
            }
        }
        pendingLocal = null;
        pendingRemote = null;
        offeredCredentials = null;
        setSignalingState(RTCSignalingState.STABLE);
    }

    private SessionDescription parse(String sdp) {
        try {
            return SessionDescription.parse(sdp);
        } catch (SdpParseException e) {
            throw new RTCError("sdp-syntax-error", e.getMessage(), e.lineNumber() > 0 ? e.lineNumber() : null, e);
        }
    }

    /** The m-section whose transport we use: the first accepted one (the BUNDLE tag in our descriptions). */
    private static MediaDescription transportSection(SessionDescription sdp) {
        for (MediaDescription m : sdp.media()) {
            if (!m.isRejected() && Jsep.isDataSection(m)) {
                return m;
            }
        }
        return null;
    }

    private void setSignalingState(RTCSignalingState next) {
        if (next != signalingState) {
            signalingState = next;
            fire(l -> l.onSignalingStateChange(next));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Candidates
    // ------------------------------------------------------------------------------------------

    /**
     * Adds a remote candidate (or, with an empty candidate, the end of candidates). W3C errors:
     * InvalidStateError before a remote description, TypeError without sdpMid and sdpMLineIndex,
     * OperationError for an unknown m-section, a foreign usernameFragment or a candidate that does
     * not parse.
     */
    public CompletableFuture<Void> addIceCandidate(RTCIceCandidateInit candidate) {
        RTCIceCandidateInit c = candidate == null ? RTCIceCandidateInit.endOfCandidates() : candidate;
        return enqueue(() -> {
            doAddIceCandidate(c, candidate == null);
            return CompletableFuture.completedFuture(null);
        });
    }

    private void doAddIceCandidate(RTCIceCandidateInit c, boolean allSections) {
        Desc remote = pendingRemote != null ? pendingRemote : currentRemote;
        if (remote == null) {
            throw new InvalidStateError("addIceCandidate needs a remote description");
        }
        if (!allSections && !c.isEndOfCandidates() && c.sdpMid() == null && c.sdpMLineIndex() == null) {
            throw new TypeError("a candidate needs sdpMid or sdpMLineIndex");
        }
        List<MediaDescription> media = remote.parsed().media();
        MediaDescription section = null;
        if (c.sdpMid() != null) {
            for (MediaDescription m : media) {
                if (c.sdpMid().equals(m.mid())) {
                    section = m;
                }
            }
            if (section == null && !allSections) {
                throw new OperationError("no m-section with mid " + c.sdpMid());
            }
        } else if (c.sdpMLineIndex() != null) {
            if (c.sdpMLineIndex() < 0 || c.sdpMLineIndex() >= media.size()) {
                throw new OperationError("sdpMLineIndex " + c.sdpMLineIndex() + " is out of range");
            }
            section = media.get(c.sdpMLineIndex());
        }
        if (c.usernameFragment() != null && remoteCredentials != null
                && !c.usernameFragment().equals(remoteCredentials.ufrag())) {
            throw new OperationError("usernameFragment " + c.usernameFragment() + " is not the current remote one");
        }
        if (c.isEndOfCandidates()) {
            transport.remoteEndOfCandidates();
            appendRemoteAttribute(remote, section, Attribute.flag("end-of-candidates"));
            return;
        }
        if (section != null && (section.isRejected() || !Objects.equals(section.mid(), transportMid))) {
            return; // a rejected or unbundled section: nothing of ours uses it
        }
        SdpCandidate sdpCandidate;
        try {
            sdpCandidate = SdpCandidate.parse(c.candidate());
        } catch (SdpParseException e) {
            throw new OperationError("candidate does not parse: " + e.getMessage());
        }
        if (addRemote(sdpCandidate)) {
            appendRemoteAttribute(remote, section, sdpCandidate.toAttribute());
        }
    }

    /** Hands one remote candidate to the agent; false when it is not usable (TCP, foreign component, bound). */
    private boolean addRemote(SdpCandidate value) {
        Candidate candidate;
        try {
            candidate = Candidate.fromSdp(value);
        } catch (CandidateParseException e) {
            throw new OperationError("candidate does not parse: " + e.getMessage());
        }
        if (!"udp".equals(candidate.transport()) || candidate.component() != 1) {
            return false;
        }
        if (remoteCandidateCount >= MAX_REMOTE_CANDIDATES) {
            throw new OperationError("too many remote candidates (limit " + MAX_REMOTE_CANDIDATES + ")");
        }
        remoteCandidateCount++;
        transport.addRemoteCandidate(candidate);
        return true;
    }

    private void appendRemoteAttribute(Desc remote, MediaDescription section, Attribute attribute) {
        SessionDescription sdp = remote.parsed();
        int index = section == null ? -1 : sdp.media().indexOf(section);
        if (index < 0) {
            return;
        }
        SessionDescription updated = sdp.withMedia(index, section.withAttribute(attribute));
        Desc next = new Desc(new RTCSessionDescription(remote.description().type(), updated.toString()), updated);
        if (pendingRemote == remote) {
            pendingRemote = next;
        } else if (currentRemote == remote) {
            currentRemote = next;
        }
    }

    /** Candidates gathered so far go into our descriptions too (W3C localDescription). */
    private void appendLocalCandidate(SdpCandidate candidate, boolean endOfCandidates) {
        pendingLocal = withLocalAttribute(pendingLocal, candidate, endOfCandidates);
        currentLocal = withLocalAttribute(currentLocal, candidate, endOfCandidates);
    }

    private Desc withLocalAttribute(Desc desc, SdpCandidate candidate, boolean endOfCandidates) {
        if (desc == null) {
            return null;
        }
        SessionDescription sdp = desc.parsed();
        MediaDescription m = transportSection(sdp);
        if (m == null || !localCredentials.ufrag().equals(sdp.iceUfrag(m))) {
            return desc;
        }
        MediaDescription updated = candidate != null ? m.withAttribute(candidate.toAttribute())
                : endOfCandidates && !m.endOfCandidates() ? m.withAttribute(Attribute.flag("end-of-candidates")) : m;
        SessionDescription next = sdp.withMedia(sdp.media().indexOf(m), updated);
        return new Desc(new RTCSessionDescription(desc.description().type(), next.toString()), next);
    }

    // ------------------------------------------------------------------------------------------
    // restartIce, data channels, negotiationneeded
    // ------------------------------------------------------------------------------------------

    /** The next offer carries new ICE credentials; the connection survives the restart. */
    public void restartIce() {
        if (closed.get()) {
            return;
        }
        loop.execute(() -> {
            restartRequested = true;
            updateNegotiationNeeded();
        });
    }

    /**
     * Creates a data channel (W3C {@code createDataChannel}): negotiates the {@code application}
     * m-section if none is, and opens once SCTP is up (DCEP, or at once when {@code negotiated}).
     */
    public RTCDataChannel createDataChannel(String label) {
        return createDataChannel(label, RTCDataChannelInit.DEFAULT);
    }

    public RTCDataChannel createDataChannel(String label, RTCDataChannelInit init) {
        return createDataChannel(label, init, (DataChannelListener) null);
    }

    /**
     * As {@link #createDataChannel(String, RTCDataChannelInit)}, with a listener registered before
     * the channel can fire anything (events run on the loop, so one added later may miss
     * {@code open}).
     */
    public RTCDataChannel createDataChannel(String label, RTCDataChannelInit init, DataChannelListener listener) {
        return createDataChannel(label, init, c -> listener);
    }

    /**
     * As {@link #createDataChannel(String, RTCDataChannelInit, DataChannelListener)}, the listener
     * made from the channel itself: for a listener that needs the channel (to act on it when it
     * opens) before this method has returned it.
     */
    public RTCDataChannel createDataChannel(String label, RTCDataChannelInit init,
            java.util.function.Function<RTCDataChannel, DataChannelListener> listenerFor) {
        if (closed.get()) {
            throw new InvalidStateError("the RTCPeerConnection is closed");
        }
        RTCDataChannel channel = RTCDataChannel.create(label, init == null ? RTCDataChannelInit.DEFAULT : init);
        DataChannelListener listener = listenerFor.apply(channel);
        if (listener != null) {
            channel.addListener(listener);
        }
        loop.execute(() -> {
            dataChannels.add(channel);
            dataChannelRequested = true;
            updateNegotiationNeeded();
        });
        return channel;
    }

    private boolean isNegotiationNeeded() {
        if (restartRequested) {
            return true;
        }
        if (dataChannelRequested) {
            Desc local = currentLocal;
            return local == null || transportSection(local.parsed()) == null;
        }
        return false;
    }

    /** W3C "update the negotiation-needed flag": fires when it becomes set while stable and idle. */
    private void updateNegotiationNeeded() {
        if (closed.get() || pendingOperations > 0 || signalingState != RTCSignalingState.STABLE) {
            return;
        }
        boolean needed = isNegotiationNeeded();
        if (!needed) {
            negotiationNeeded = false;
            return;
        }
        if (negotiationNeeded) {
            return;
        }
        negotiationNeeded = true;
        fire(PeerConnectionListener::onNegotiationNeeded);
    }

    // ------------------------------------------------------------------------------------------
    // The transport
    // ------------------------------------------------------------------------------------------

    /** Creates the ICE agent on first use (controlling when we offer first) and binds its sockets. */
    private CompletableFuture<Void> ensureTransport(boolean offering) {
        if (transport.hasAgent()) {
            return CompletableFuture.completedFuture(null);
        }
        return stunServers.handleAsync((servers, e) -> {
            if (!closed.get()) {
                transport.createAgent(offering, localCredentials.ufrag(), localCredentials.pwd(),
                        servers == null ? List.of() : servers);
            }
            return null;
        }, loop).thenCompose(v -> transport.bindSockets());
    }

    /** The transport's reports, turned into W3C state and events (on the loop). */
    private final class TransportEvents implements PeerTransport.Listener {

        @Override
        public void onGatheringStarted() {
            // W3C order: icegatheringstatechange(gathering) comes before the first icecandidate.
            setGatheringState(RTCIceGatheringState.GATHERING);
        }

        @Override
        public void onLocalCandidate(Candidate found) {
            Candidate c = found;
            java.net.InetAddress advertised = c.type() == io.sluice.peer.ice.CandidateType.HOST
                    && c.address().getAddress() != null ? settings.advertised().get(c.address().getAddress()) : null;
            if (advertised != null) {
                // 1:1 NAT: the remote reaches this socket at the public address, same port.
                c = c.withAddress(new InetSocketAddress(advertised, c.address().getPort()));
            }
            if (configuration.iceTransportPolicy() == RTCIceTransportPolicy.RELAY
                    && c.type() != io.sluice.peer.ice.CandidateType.RELAY) {
                return;
            }
            SdpCandidate sdp;
            try {
                sdp = SdpCandidate.parse(c.toSdpValue());
            } catch (SdpParseException ex) {
                log.error("{}our own candidate does not parse: {}", logPrefix, c, ex);
                return;
            }
            gatheredCandidates.add(sdp);
            appendLocalCandidate(sdp, false);
            RTCIceCandidate candidate = new RTCIceCandidate(new RTCIceCandidateInit(c.toCandidateString(),
                    transportMid, transportIndex(), localCredentials.ufrag()));
            fire(l -> l.onIceCandidate(new RTCPeerConnectionIceEvent(candidate, null)));
        }

        /** W3C: the end-of-candidates candidate, icegatheringstatechange(complete), then the null candidate. */
        @Override
        public void onGatheringComplete() {
            gatheringComplete = true;
            appendLocalCandidate(null, true);
            RTCIceCandidate end = new RTCIceCandidate(new RTCIceCandidateInit("", transportMid, transportIndex(),
                    localCredentials.ufrag()));
            fire(l -> l.onIceCandidate(new RTCPeerConnectionIceEvent(end, null)));
            setGatheringState(RTCIceGatheringState.COMPLETE);
            fire(l -> l.onIceCandidate(new RTCPeerConnectionIceEvent(null, null)));
        }

        @Override
        public void onCandidateError(IceEvent.CandidateError ce) {
            InetSocketAddress local = ce.localAddress();
            RTCPeerConnectionIceErrorEvent ev = new RTCPeerConnectionIceErrorEvent(
                    local == null ? null : local.getAddress().getHostAddress(),
                    local == null ? null : local.getPort(), ce.url(), ce.errorCode(), ce.errorText());
            fire(l -> l.onIceCandidateError(ev));
        }

        @Override
        public void onIceState(IceState s) {
            RTCIceConnectionState next = RTCIceConnectionState.fromSpec(s.spec());
            if (next != null && next != iceConnectionState && !closed.get()) {
                iceConnectionState = next;
                fire(l -> l.onIceConnectionStateChange(next));
                updateConnectionState();
            }
        }

        @Override
        public void onDtlsState(DtlsState state, String reason) {
            RTCDtlsTransportState next = RTCDtlsTransportState.fromSpec(state.spec());
            if (next == null || next == dtlsState) {
                return;
            }
            if (state == DtlsState.FAILED) {
                log.warn("{}DTLS failed: {}", logPrefix, reason);
            } else {
                log.debug("{}DTLS {}: {}", logPrefix, state.spec(), reason);
            }
            dtlsState = next;
            if (!closed.get()) {
                if (state == DtlsState.CONNECTED && sctpTransport != null) {
                    dataChannels.start(transport.dtlsRole() == DtlsRole.CLIENT, transport.applicationDataLimit());
                }
                updateConnectionState();
            }
        }

        @Override
        public void onApplicationData(byte[] data) {
            dataChannels.onPacket(data);
        }
    }

    private Integer transportIndex() {
        Desc d = pendingLocal != null ? pendingLocal : currentLocal;
        if (d == null || transportMid == null) {
            return 0;
        }
        List<MediaDescription> media = d.parsed().media();
        for (int i = 0; i < media.size(); i++) {
            if (transportMid.equals(media.get(i).mid())) {
                return i;
            }
        }
        return 0;
    }

    private void setGatheringState(RTCIceGatheringState next) {
        if (next != iceGatheringState && !closed.get()) {
            iceGatheringState = next;
            fire(l -> l.onIceGatheringStateChange(next));
        }
    }

    /** W3C RTCPeerConnectionState from the ICE and DTLS transports. */
    private void updateConnectionState() {
        if (closed.get()) {
            return;
        }
        RTCPeerConnectionState next = aggregate(iceConnectionState, dtlsState);
        if (next != connectionState) {
            connectionState = next;
            log.debug("{}connectionState {}", logPrefix, next);
            fire(l -> l.onConnectionStateChange(next));
        }
    }

    /**
     * W3C RTCPeerConnectionState of an open connection from its ICE and DTLS transport states
     * (webrtc-pc §4.3.3, one transport: Sluice always bundles).
     */
    static RTCPeerConnectionState aggregate(RTCIceConnectionState ice, RTCDtlsTransportState dtls) {
        if (ice == RTCIceConnectionState.FAILED || dtls == RTCDtlsTransportState.FAILED) {
            return RTCPeerConnectionState.FAILED;
        }
        if (ice == RTCIceConnectionState.DISCONNECTED) {
            return RTCPeerConnectionState.DISCONNECTED;
        }
        boolean iceIdle = ice == RTCIceConnectionState.NEW || ice == RTCIceConnectionState.CLOSED;
        boolean dtlsIdle = dtls == RTCDtlsTransportState.NEW || dtls == RTCDtlsTransportState.CLOSED;
        if (iceIdle && dtlsIdle) {
            return RTCPeerConnectionState.NEW;
        }
        if (ice == RTCIceConnectionState.NEW || ice == RTCIceConnectionState.CHECKING
                || dtls == RTCDtlsTransportState.NEW || dtls == RTCDtlsTransportState.CONNECTING) {
            return RTCPeerConnectionState.CONNECTING;
        }
        return RTCPeerConnectionState.CONNECTED;
    }

    // ------------------------------------------------------------------------------------------
    // close
    // ------------------------------------------------------------------------------------------

    /**
     * Closes the connection at once (states become closed, without events, as W3C says); the
     * remote sees a DTLS close_notify, then its consent checks go unanswered. Sockets and timers
     * are released on the loop; {@link #closeFuture()} completes when they are.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        signalingState = RTCSignalingState.CLOSED;
        iceConnectionState = RTCIceConnectionState.CLOSED;
        connectionState = RTCPeerConnectionState.CLOSED;
        loop.execute(this::teardown);
    }

    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    /** Completes when a closed connection has released its sockets and timers. */
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    private void teardown() {
        dataChannels.close();
        transport.close().whenComplete((v, e) -> closeFuture.complete(null));
    }

    private static long now() {
        return System.nanoTime();
    }

    @Override
    public String toString() {
        return "RTCPeerConnection[" + logPrefix.trim() + ", " + signalingState + ", " + connectionState + "]";
    }
}
