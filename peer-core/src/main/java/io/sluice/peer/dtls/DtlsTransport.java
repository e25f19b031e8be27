package io.sluice.peer.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DTLS 1.2 for one ICE transport (RFC 6347, with the WebRTC profile of RFC 8827 §6.5 and
 * DTLS-SRTP of RFC 5764), on BouncyCastle's DTLS engine over JCA crypto.
 *
 * <pre>
 *   I/O loop ──handleDatagram(bytes)──▶ junk filter ─┬─▶ [handshake] bounded queue ─▶ BC handshake (pool thread)
 *                                                  └─▶ [connected] BC record layer, decrypted inline on the caller
 *   owner ──send(bytes)──▶ BC record layer (encrypt) ─▶ outbound.accept(datagram) ─▶ I/O loop sends it
 *   events (stateChanged, applicationData) ─▶ eventExecutor (the peer's loop), in order
 * </pre>
 *
 * <h2>Threading</h2>
 * <ul>
 *   <li>The handshake runs on {@code handshakeExecutor} (a small bounded pool): BouncyCastle's
 *       {@code DTLSClientProtocol.connect}/{@code DTLSServerProtocol.accept} block. The task ends
 *       with the handshake; after it, no thread belongs to this transport.</li>
 *   <li>{@link #handleDatagram} may be called from any thread (normally the I/O loop) and never
 *       blocks on the network: during the handshake it queues the datagram (dropping and counting
 *       when the queue is full); once connected it decrypts the records inline, under a lock that
 *       is held only for that (and, once, while the handshake hands over).</li>
 *   <li>{@link #send} may be called from any thread once connected; encryption happens on the
 *       caller. {@code outbound} is called on the thread that produced the datagram (the
 *       handshake thread, the sender, or the thread in {@code handleDatagram} when a flight is
 *       retransmitted) and must hand the bytes over without blocking.</li>
 *   <li>Listener events go through {@code eventExecutor}, which must run tasks one at a time in
 *       submission order, and later than {@code execute} returns (a queueing executor such as the
 *       peer's event loop, not a direct one): events are submitted while internal locks are held.</li>
 * </ul>
 *
 * <p>The remote certificate is authenticated only by the SDP fingerprints given to
 * {@link #setRemoteFingerprints}; if the peer's certificate arrives first, the handshake thread
 * waits for them until the handshake deadline.
 */
public final class DtlsTransport {

    private static final Logger log = LoggerFactory.getLogger(DtlsTransport.class);
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final String SRTP_EXPORTER_LABEL = "EXTRACTOR-dtls_srtp";
    private static final byte[] CLOSE_SENTINEL = new byte[0];

    private final DtlsRole role;
    private final DtlsCertificate localCertificate;
    private final DtlsConfig config;
    private final Executor handshakeExecutor;
    private final Executor eventExecutor;
    private final Consumer<byte[]> outbound;
    private final DtlsListener listener;
    private final String logPrefix;
    private final JcaTlsCrypto crypto;
    private final Adapter adapter;

    /** Guards the BC record layer on the receive path and the handshake-to-connected hand-over. */
    private final Object rxLock = new Object();
    private final Object stateLock = new Object();
    private final Object fingerprintLock = new Object();

    private volatile DtlsState state = DtlsState.NEW;
    private volatile String failureReason;
    private volatile org.bouncycastle.tls.DTLSTransport dtls; // set once connected
    private volatile List<byte[]> remoteCertificates = List.of();
    private volatile SrtpKeyingMaterial srtpKeys;
    private volatile SrtpProfile srtpProfile;
    private volatile int cipherSuite = -1;
    private volatile boolean closeNotifyReceived;
    /** Smallest protected record the negotiated cipher can produce; shorter ones are dropped as junk. */
    private volatile int minProtectedLength = 16;
    private List<DtlsFingerprint> remoteFingerprints; // guarded by fingerprintLock
    private long handshakeDeadlineNanos;
    private byte[] rxBuffer; // guarded by rxLock

    private final AtomicLong datagramsIn = new AtomicLong();
    private final AtomicLong datagramsOut = new AtomicLong();
    private final AtomicLong droppedJunk = new AtomicLong();
    private final AtomicLong droppedOversize = new AtomicLong();
    private final AtomicLong droppedQueueFull = new AtomicLong();
    private final AtomicLong droppedLate = new AtomicLong();
    private final AtomicLong recordsIn = new AtomicLong();
    private final AtomicLong recordsOut = new AtomicLong();

    /**
     * @param role              CLIENT for a=setup:active, SERVER for a=setup:passive
     * @param localCertificate  our certificate, whose fingerprint went into our SDP
     * @param config            settings; {@link DtlsConfig#defaults()} for WebRTC
     * @param handshakeExecutor bounded pool that runs the blocking handshake
     * @param eventExecutor     serial executor (the peer's loop) for listener events
     * @param outbound          takes each datagram to send on the selected ICE pair; must not block
     * @param listener          receives state changes and application data
     */
    public DtlsTransport(DtlsRole role, DtlsCertificate localCertificate, DtlsConfig config,
                         Executor handshakeExecutor, Executor eventExecutor,
                         Consumer<byte[]> outbound, DtlsListener listener) {
        this.role = role;
        this.localCertificate = localCertificate;
        this.config = config;
        this.handshakeExecutor = handshakeExecutor;
        this.eventExecutor = eventExecutor;
        this.outbound = outbound;
        this.listener = listener;
        this.logPrefix = "dtls#" + IDS.incrementAndGet() + " " + (role == DtlsRole.CLIENT ? "client" : "server") + ": ";
        this.crypto = EcFastCrypto.tlsCrypto(new SecureRandom());
        this.adapter = new Adapter();
    }


    // ---------------------------------------------------------------- public API

    /**
     * Sets the fingerprints from the remote description's {@code a=fingerprint} lines. May be
     * called before or after {@link #start()}; the handshake waits for them to check the peer.
     */
    public void setRemoteFingerprints(List<DtlsFingerprint> fingerprints) {
        synchronized (fingerprintLock) {
            remoteFingerprints = List.copyOf(fingerprints);
            fingerprintLock.notifyAll();
        }
    }

    /** Starts the handshake: NEW → CONNECTING. Does nothing in any other state. */
    public void start() {
        synchronized (stateLock) {
            if (state != DtlsState.NEW) {
                return;
            }
            handshakeDeadlineNanos = System.nanoTime() + config.handshakeTimeout().toNanos();
            setState(DtlsState.CONNECTING, "handshake started as " + role.setup());
        }
        try {
            handshakeExecutor.execute(this::runHandshake);
        } catch (RejectedExecutionException e) {
            fail("handshake refused: " + e.getMessage());
        }
    }

    /**
     * Takes one datagram received on the ICE transport whose first byte is in the DTLS range.
     * Never blocks and never throws: junk, datagrams over the receive limit and datagrams that
     * find the handshake queue full are dropped and counted; a datagram that breaks the
     * connection moves it to FAILED.
     */
    public void handleDatagram(byte[] datagram) {
        if (datagram == null) {
            droppedJunk.incrementAndGet();
            return;
        }
        handleDatagram(datagram, 0, datagram.length);
    }

    /** As {@link #handleDatagram(byte[])}, for a slice; the bytes are copied if they must be kept. */
    public void handleDatagram(byte[] buf, int off, int len) {
        try {
            datagramsIn.incrementAndGet();
            if (len > config.receiveLimit()) {
                droppedOversize.incrementAndGet();
                return;
            }
            DtlsRecordHeader.Verdict verdict = DtlsRecordHeader.check(buf, off, len, minProtectedLength);
            if (verdict != DtlsRecordHeader.Verdict.OK) {
                droppedJunk.incrementAndGet();
                if (log.isTraceEnabled()) {
                    log.trace("{}dropped datagram of {} bytes: {}", logPrefix, len, verdict);
                }
                return;
            }
            if (role == DtlsRole.CLIENT && state == DtlsState.CONNECTING && isClientHello(buf, off, len)) {
                fail("role conflict: the peer sent a ClientHello but we are the DTLS client (a=setup:active)");
                return;
            }
            byte[] copy = java.util.Arrays.copyOfRange(buf, off, off + len);
            synchronized (rxLock) {
                DtlsState s = state;
                if (s == DtlsState.CONNECTING || s == DtlsState.NEW) {
                    if (!adapter.offer(copy)) {
                        droppedQueueFull.incrementAndGet();
                    }
                } else if (s == DtlsState.CONNECTED && dtls != null) {
                    readInline(copy);
                } else {
                    droppedLate.incrementAndGet();
                }
            }
        } catch (RuntimeException e) {
            // a bug, not bad input: this transport fails, the caller's loop goes on
            log.error("{}internal error on receive", logPrefix, e);
            fail("internal error on receive: " + e);
        }
    }

    /**
     * Encrypts {@code data[off, off+len)} as one application_data record and hands it to the
     * outbound callback.
     *
     * @return false if the transport is not connected (nothing is sent)
     * @throws IllegalArgumentException if {@code len} exceeds {@link #getSendLimit()}
     */
    public boolean send(byte[] data, int off, int len) {
        org.bouncycastle.tls.DTLSTransport t = dtls;
        if (state != DtlsState.CONNECTED || t == null) {
            return false;
        }
        if (off < 0 || len < 0 || off > data.length - len) {
            throw new IllegalArgumentException("slice out of range: " + off + "+" + len + " of " + data.length);
        }
        int limit = getSendLimit();
        if (len > limit) {
            throw new IllegalArgumentException("record of " + len + " bytes exceeds the send limit of " + limit);
        }
        try {
            // BC refuses a zero offset into an empty array; an empty record is legal but useless
            if (len == 0) {
                return true;
            }
            t.send(data, off, len);
            recordsOut.incrementAndGet();
            return true;
        } catch (IOException | RuntimeException e) {
            fail("send failed: " + describe(e));
            return false;
        }
    }

    /** The largest application data {@link #send} takes in one record, from the MTU and the cipher. */
    public int getSendLimit() {
        org.bouncycastle.tls.DTLSTransport t = dtls;
        if (t == null) {
            return 0;
        }
        try {
            return t.getSendLimit();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Closes the transport: sends close_notify when connected, abandons the handshake otherwise,
     * and moves to CLOSED. Idempotent; callable from any thread.
     */
    public void close() {
        DtlsState before;
        synchronized (stateLock) {
            before = state;
            if (before.isTerminal()) {
                return;
            }
            setState(DtlsState.CLOSED, "closed locally");
        }
        synchronized (rxLock) {
            org.bouncycastle.tls.DTLSTransport t = dtls;
            if (t != null) {
                try {
                    t.close(); // close_notify
                } catch (IOException | RuntimeException e) {
                    log.debug("{}close: {}", logPrefix, describe(e));
                }
            }
        }
        adapter.shutdown();
    }

    public DtlsState state() {
        return state;
    }

    public DtlsRole role() {
        return role;
    }

    /** Why the transport failed (or closed), or null while it has not. */
    public String failureReason() {
        return failureReason;
    }

    /** The peer's certificate chain as DER, leaf first; empty until the peer sent it. */
    public List<byte[]> getRemoteCertificates() {
        List<byte[]> out = new ArrayList<>();
        for (byte[] b : remoteCertificates) {
            out.add(b.clone());
        }
        return out;
    }

    public DtlsCertificate localCertificate() {
        return localCertificate;
    }

    /** The negotiated SRTP profile; empty until connected, or when the peer did not negotiate use_srtp. */
    public Optional<SrtpProfile> srtpProfile() {
        return Optional.ofNullable(srtpProfile);
    }

    /** SRTP keys exported after the handshake (RFC 5764 §4.2); empty without use_srtp. */
    public Optional<SrtpKeyingMaterial> srtpKeyingMaterial() {
        return Optional.ofNullable(srtpKeys);
    }

    /** The negotiated IANA cipher suite value, or -1 before the handshake completes. */
    public int cipherSuite() {
        return cipherSuite;
    }

    /** Counters, for metrics. */
    public Stats stats() {
        return new Stats(datagramsIn.get(), datagramsOut.get(), recordsIn.get(), recordsOut.get(),
                droppedJunk.get(), droppedOversize.get(), droppedQueueFull.get(), droppedLate.get());
    }

    /**
     * A snapshot of the counters.
     *
     * @param datagramsIn       datagrams given to {@code handleDatagram}
     * @param datagramsOut      datagrams handed to the outbound callback
     * @param recordsIn         application records delivered
     * @param recordsOut        application records sent
     * @param droppedJunk       datagrams that were not well-formed DTLS records
     * @param droppedOversize   datagrams over the receive limit
     * @param droppedQueueFull  datagrams dropped because the handshake queue was full
     * @param droppedLate       datagrams that arrived after the transport closed or failed
     */
    public record Stats(long datagramsIn, long datagramsOut, long recordsIn, long recordsOut,
                        long droppedJunk, long droppedOversize, long droppedQueueFull, long droppedLate) {
    }

    @Override
    public String toString() {
        return logPrefix + state.spec();
    }

    // ---------------------------------------------------------------- handshake (pool thread)

    private void runHandshake() {
        if (state != DtlsState.CONNECTING) {
            return;
        }
        Hooks hooks = new Hooks();
        try {
            org.bouncycastle.tls.DTLSTransport t;
            if (role == DtlsRole.CLIENT) {
                t = new DTLSClientProtocol().connect(new BcPeers.Client(crypto, localCertificate, config, hooks), adapter);
            } else {
                t = new DTLSServerProtocol().accept(new BcPeers.Server(crypto, localCertificate, config, hooks), adapter);
            }
            handshakeDone(t);
        } catch (Throwable e) {
            if (e instanceof Error && !(e instanceof AssertionError)) {
                fail("handshake failed: " + e);
                throw (Error) e;
            }
            fail(hooks.reason != null ? hooks.reason : "handshake failed: " + describe(e));
        }
    }

    private void handshakeDone(org.bouncycastle.tls.DTLSTransport t) {
        synchronized (rxLock) {
            synchronized (stateLock) {
                if (state != DtlsState.CONNECTING) {
                    try {
                        t.close();
                    } catch (IOException | RuntimeException e) {
                        // closing anyway
                    }
                    return;
                }
                dtls = t;
                rxBuffer = new byte[config.receiveLimit()];
                adapter.connected();
                setState(DtlsState.CONNECTED, "handshake complete, " + cipherSuiteName(cipherSuite)
                        + (srtpProfile != null ? ", SRTP " + srtpProfile : ", no use_srtp"));
            }
            // datagrams that arrived while the handshake was finishing
            byte[] d;
            while (state == DtlsState.CONNECTED && (d = adapter.pollQueued()) != null) {
                if (d != CLOSE_SENTINEL) {
                    readInline(d);
                }
            }
        }
    }

    /** BouncyCastle callbacks; run on the handshake thread (alerts also on a receiving thread). */
    private final class Hooks implements BcPeers.Hooks {
        volatile String reason;

        @Override
        public void verifyPeer(Certificate chain) throws IOException {
            List<byte[]> ders = new ArrayList<>();
            for (int i = 0; i < chain.getLength(); i++) {
                ders.add(chain.getCertificateAt(i).getEncoded());
            }
            remoteCertificates = List.copyOf(ders);
            if (ders.isEmpty()) {
                reason = "peer sent no certificate";
                throw new TlsFatalAlert(AlertDescription.bad_certificate, reason);
            }
            List<DtlsFingerprint> fps = awaitFingerprints();
            if (fps == null) {
                reason = "no remote fingerprint before the handshake deadline";
                throw new TlsFatalAlert(AlertDescription.bad_certificate, reason);
            }
            if (!DtlsFingerprint.anyMatches(fps, ders.get(0))) {
                StringBuilder algs = new StringBuilder();
                for (DtlsFingerprint f : fps) {
                    algs.append(algs.length() == 0 ? "" : ",").append(f.algorithm());
                }
                reason = "remote certificate does not match the SDP fingerprint (" + algs + ")";
                throw new TlsFatalAlert(AlertDescription.bad_certificate, reason);
            }
            log.debug("{}remote certificate matches the SDP fingerprint", logPrefix);
        }

        @Override
        public void cipherSuiteSelected(int suite) {
            cipherSuite = suite;
            // AES-GCM: 8-byte explicit nonce + 16-byte tag; ChaCha20-Poly1305: 16-byte tag only
            minProtectedLength = cipherSuiteName(suite).contains("CHACHA20") ? 16 : 24;
        }

        @Override
        public void alertRaised(short level, short description, String message, Throwable cause) {
            if (message == null && cause != null) {
                message = cause.getMessage();
            }
            if (level == AlertLevel.fatal) {
                // without a message the exception that ends the handshake says more (see runHandshake)
                if (reason == null && message != null) {
                    reason = "sent fatal alert " + AlertDescription.getText(description)
                            + (message != null ? ": " + message : "");
                }
                log.debug("{}raised fatal alert {}{}", logPrefix, AlertDescription.getText(description),
                        message != null ? " (" + message + ")" : "");
            }
        }

        @Override
        public void alertReceived(short level, short description) {
            onAlertReceived(level, description);
            if (level == AlertLevel.fatal && reason == null) {
                reason = "peer sent fatal alert " + AlertDescription.getText(description);
            }
        }

        @Override
        public void handshakeComplete(TlsContext context, SrtpProfile profile) throws IOException {
            cipherSuiteSelected(context.getSecurityParametersConnection().getCipherSuite());
            if (profile != null) {
                byte[] material;
                try {
                    material = context.exportKeyingMaterial(SRTP_EXPORTER_LABEL, null, profile.keyingMaterialLength());
                } catch (IllegalStateException e) {
                    reason = "cannot export SRTP keys: " + e.getMessage();
                    throw new TlsFatalAlert(AlertDescription.handshake_failure, reason);
                }
                srtpKeys = SrtpKeyingMaterial.split(profile, material, role == DtlsRole.CLIENT);
                java.util.Arrays.fill(material, (byte) 0);
                srtpProfile = profile;
            }
        }
    }

    private List<DtlsFingerprint> awaitFingerprints() throws InterruptedIOException {
        synchronized (fingerprintLock) {
            while (remoteFingerprints == null && !state.isTerminal()) {
                long left = handshakeDeadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(fingerprintLock, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted waiting for the remote fingerprint");
                }
            }
            return remoteFingerprints;
        }
    }

    private void onAlertReceived(short level, short description) {
        if (description == AlertDescription.close_notify) {
            closeNotifyReceived = true;
            log.debug("{}close_notify received", logPrefix);
        } else {
            log.debug("{}received {} alert {}", logPrefix, level == AlertLevel.fatal ? "fatal" : "warning",
                    AlertDescription.getText(description));
        }
    }

    // ---------------------------------------------------------------- connected: inline receive

    /** Decrypts the records of one datagram on the calling thread. Caller holds rxLock. */
    private void readInline(byte[] datagram) {
        org.bouncycastle.tls.DTLSTransport t = dtls;
        adapter.stage(datagram);
        try {
            while (true) {
                int n = t.receive(rxBuffer, 0, rxBuffer.length, 1);
                if (n >= 0) {
                    recordsIn.incrementAndGet();
                    byte[] data = java.util.Arrays.copyOf(rxBuffer, n);
                    post(() -> listener.applicationData(data));
                }
                if (closeNotifyReceived) {
                    break;
                }
            }
        } catch (WouldBlock e) {
            // every record of the datagram has been read
        } catch (TlsFatalAlertReceived e) {
            fail("peer sent fatal alert " + AlertDescription.getText(e.getAlertDescription()));
        } catch (IOException | RuntimeException e) {
            if (!closeNotifyReceived) {
                fail("receive failed: " + describe(e));
            }
        } finally {
            adapter.stage(null);
        }
        if (closeNotifyReceived) {
            synchronized (stateLock) {
                if (!state.isTerminal()) {
                    setState(DtlsState.CLOSED, "close_notify received");
                }
            }
        }
    }

    // ---------------------------------------------------------------- state

    private void fail(String reason) {
        synchronized (stateLock) {
            if (state.isTerminal()) {
                return;
            }
            setState(DtlsState.FAILED, reason);
        }
        adapter.shutdown();
    }

    /** Caller holds stateLock. */
    private void setState(DtlsState next, String reason) {
        DtlsState prev = state;
        if (prev == next) {
            return;
        }
        state = next;
        if (next.isTerminal()) {
            failureReason = reason;
        }
        if (next == DtlsState.FAILED) {
            log.warn("{}{} -> {}: {}", logPrefix, prev.spec(), next.spec(), reason);
        } else {
            log.debug("{}{} -> {}: {}", logPrefix, prev.spec(), next.spec(), reason);
        }
        post(() -> listener.stateChanged(next, reason));
    }

    private void post(Runnable r) {
        try {
            eventExecutor.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.error("{}listener threw", logPrefix, e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("{}event executor rejected an event", logPrefix);
        }
    }

    private static boolean isClientHello(byte[] buf, int off, int len) {
        // handshake record, epoch 0, first handshake message client_hello (1)
        return len > DtlsRecordHeader.LENGTH && buf[off] == DtlsRecordHeader.HANDSHAKE
                && buf[off + 3] == 0 && buf[off + 4] == 0 && buf[off + DtlsRecordHeader.LENGTH] == 1;
    }

    private static String describe(Throwable e) {
        if (e instanceof TlsFatalAlertReceived) {
            return "peer sent fatal alert " + AlertDescription.getText(((TlsFatalAlertReceived) e).getAlertDescription());
        }
        if (e instanceof TlsFatalAlert) {
            TlsFatalAlert a = (TlsFatalAlert) e;
            String m = a.getMessage();
            return "fatal alert " + AlertDescription.getText(a.getAlertDescription())
                    + (m != null && !m.startsWith(AlertDescription.getText(a.getAlertDescription())) ? ": " + m : "");
        }
        if (e instanceof TlsTimeoutException || e instanceof HandshakeTimeout) {
            return "handshake timed out";
        }
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }

    static String cipherSuiteName(int suite) {
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

    // ---------------------------------------------------------------- datagram adapter

    /** Thrown by the adapter when a non-blocking read finds nothing more; never escapes. */
    private static final class WouldBlock extends InterruptedIOException {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private static final class HandshakeTimeout extends IOException {
        private static final long serialVersionUID = 1L;

        HandshakeTimeout(String message) {
            super(message);
        }
    }

    /**
     * The {@link DatagramTransport} BouncyCastle reads and writes. During the handshake,
     * {@code receive} blocks on a bounded queue fed by {@link #handleDatagram}; once connected it
     * returns the one datagram staged by the receiving thread, then reports "would block".
     */
    private final class Adapter implements DatagramTransport {
        private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(config.inboundQueue() + 1);
        private volatile boolean connected;
        private volatile boolean closed;
        private byte[] staged; // guarded by rxLock

        boolean offer(byte[] d) {
            // one slot is kept for the close sentinel
            return queue.size() < config.inboundQueue() && queue.offer(d);
        }

        byte[] pollQueued() {
            return queue.poll();
        }

        void connected() {
            connected = true;
        }

        void stage(byte[] d) {
            staged = d;
        }

        void shutdown() {
            closed = true;
            queue.offer(CLOSE_SENTINEL);
        }

        @Override
        public int getReceiveLimit() {
            return config.receiveLimit();
        }

        @Override
        public int getSendLimit() {
            return config.mtu();
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            if (connected) {
                byte[] d = staged;
                if (d == null) {
                    throw new WouldBlock();
                }
                staged = null;
                int n = Math.min(len, d.length);
                System.arraycopy(d, 0, buf, off, n);
                return n;
            }
            if (closed) {
                throw new IOException("transport closed");
            }
            long left = handshakeDeadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new HandshakeTimeout("handshake timed out after " + config.handshakeTimeout().toMillis() + " ms");
            }
            long waitNanos = waitMillis <= 0 ? left : Math.min(left, TimeUnit.MILLISECONDS.toNanos(waitMillis));
            byte[] d;
            try {
                d = queue.poll(waitNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            if (d == null) {
                if (handshakeDeadlineNanos - System.nanoTime() <= 0) {
                    throw new HandshakeTimeout("handshake timed out after " + config.handshakeTimeout().toMillis() + " ms");
                }
                return -1;
            }
            if (d == CLOSE_SENTINEL) {
                queue.offer(CLOSE_SENTINEL);
                throw new IOException("transport closed");
            }
            int n = Math.min(len, d.length);
            System.arraycopy(d, 0, buf, off, n);
            return n;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            byte[] d = java.util.Arrays.copyOfRange(buf, off, off + len);
            try {
                outbound.accept(d);
                datagramsOut.incrementAndGet();
            } catch (RuntimeException e) {
                // UDP semantics: a datagram we could not hand over is lost; retransmission covers it
                log.debug("{}outbound callback threw: {}", logPrefix, e.toString());
            }
        }

        @Override
        public void close() {
            // BouncyCastle closes its transport after close_notify or a fatal alert; nothing to release
        }
    }
}
