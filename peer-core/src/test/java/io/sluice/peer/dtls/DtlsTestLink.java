package io.sluice.peer.dtls;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;

/**
 * An in-memory datagram link between two {@link DtlsTransport}s: each direction is a
 * single-thread "wire" executor standing in for the I/O loop, with an optional drop rule that
 * sees every datagram (and its index in that direction) before delivery.
 */
final class DtlsTestLink implements AutoCloseable {

    /** Drop rule: (index in this direction, datagram) → true to drop. */
    interface Drop extends BiPredicate<Integer, byte[]> {
        Drop NONE = (i, d) -> false;
    }

    /** Shared executors for many links (the thread-count test shares them). */
    static final class Executors3 implements AutoCloseable {
        final ThreadPoolExecutor handshakePool;
        final ExecutorService wire;
        final ExecutorService events;

        Executors3(int handshakeThreads) {
            handshakePool = new ThreadPoolExecutor(handshakeThreads, handshakeThreads, 30, TimeUnit.SECONDS,
                    new java.util.concurrent.ArrayBlockingQueue<>(256), r -> daemon(r, "dtls-handshake"));
            wire = Executors.newSingleThreadExecutor(r -> daemon(r, "dtls-wire"));
            events = Executors.newSingleThreadExecutor(r -> daemon(r, "dtls-events"));
        }

        @Override
        public void close() {
            handshakePool.shutdownNow();
            wire.shutdownNow();
            events.shutdownNow();
        }
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Records everything a transport reports. */
    static final class Recorder implements DtlsListener {
        final List<DtlsState> states = new CopyOnWriteArrayList<>();
        final List<String> reasons = new CopyOnWriteArrayList<>();
        final BlockingQueue<byte[]> data = new LinkedBlockingQueue<>();
        final AtomicLong bytes = new AtomicLong();
        volatile boolean keepData = true;

        @Override
        public void stateChanged(DtlsState state, String reason) {
            states.add(state);
            reasons.add(reason);
        }

        @Override
        public void applicationData(byte[] d) {
            bytes.addAndGet(d.length);
            if (keepData) {
                data.add(d);
            }
        }

        DtlsState last() {
            return states.isEmpty() ? DtlsState.NEW : states.get(states.size() - 1);
        }

        boolean await(DtlsState s, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                if (states.contains(s)) {
                    return true;
                }
                Thread.sleep(5);
            }
            return states.contains(s);
        }

        boolean awaitTerminal(Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                if (last().isTerminal()) {
                    return true;
                }
                Thread.sleep(5);
            }
            return last().isTerminal();
        }
    }

    final DtlsTransport client;
    final DtlsTransport server;
    final Recorder clientEvents = new Recorder();
    final Recorder serverEvents = new Recorder();
    final List<byte[]> clientToServer = Collections.synchronizedList(new ArrayList<>());
    final List<byte[]> serverToClient = Collections.synchronizedList(new ArrayList<>());
    private final Executors3 ex;
    private final boolean ownExecutors;

    DtlsTestLink(DtlsCertificate clientCert, DtlsCertificate serverCert, DtlsConfig clientConfig, DtlsConfig serverConfig,
                 Drop clientToServerDrop, Drop serverToClientDrop, Executors3 shared) {
        this.ownExecutors = shared == null;
        this.ex = shared != null ? shared : new Executors3(2);
        DtlsTransport[] holder = new DtlsTransport[2];
        AtomicLong c2s = new AtomicLong();
        AtomicLong s2c = new AtomicLong();
        client = new DtlsTransport(DtlsRole.CLIENT, clientCert, clientConfig, ex.handshakePool, ex.events,
                d -> {
                    int i = (int) c2s.getAndIncrement();
                    clientToServer.add(d);
                    if (!clientToServerDrop.test(i, d)) {
                        ex.wire.execute(() -> holder[1].handleDatagram(d));
                    }
                }, clientEvents);
        server = new DtlsTransport(DtlsRole.SERVER, serverCert, serverConfig, ex.handshakePool, ex.events,
                d -> {
                    int i = (int) s2c.getAndIncrement();
                    serverToClient.add(d);
                    if (!serverToClientDrop.test(i, d)) {
                        ex.wire.execute(() -> holder[0].handleDatagram(d));
                    }
                }, serverEvents);
        holder[0] = client;
        holder[1] = server;
        this.clientCert = clientCert;
        this.serverCert = serverCert;
    }

    private final DtlsCertificate clientCert;
    private final DtlsCertificate serverCert;
    /** When set, {@link #start()} leaves the fingerprints to the test. */
    boolean deferFingerprints;

    static DtlsTestLink of(DtlsCertificate clientCert, DtlsCertificate serverCert) {
        return new DtlsTestLink(clientCert, serverCert, DtlsConfig.defaults(), DtlsConfig.defaults(),
                Drop.NONE, Drop.NONE, null);
    }

    void start() {
        if (!deferFingerprints) {
            client.setRemoteFingerprints(List.of(serverCert.fingerprint()));
            server.setRemoteFingerprints(List.of(clientCert.fingerprint()));
        }
        server.start();
        client.start();
    }

    boolean awaitConnected(Duration timeout) throws InterruptedException {
        return clientEvents.await(DtlsState.CONNECTED, timeout) && serverEvents.await(DtlsState.CONNECTED, timeout);
    }

    @Override
    public void close() {
        client.close();
        server.close();
        if (ownExecutors) {
            // let close_notify and the last events drain
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        }
    }

    // ------------------------------------------------------------ datagram inspection for drop rules

    static int contentType(byte[] d) {
        return d.length > 0 ? d[0] & 0xff : -1;
    }

    static int epoch(byte[] d) {
        return d.length >= 13 ? ((d[3] & 0xff) << 8) | (d[4] & 0xff) : -1;
    }

    /** The handshake type of an epoch-0 handshake record, or -1. */
    static int handshakeType(byte[] d) {
        if (d.length > 13 && contentType(d) == 22 && epoch(d) == 0) {
            return d[13] & 0xff;
        }
        return -1;
    }

    /** (message_seq, fragment_offset) of an epoch-0 handshake record, as one long; -1 otherwise. */
    static long fragmentKey(byte[] d) {
        if (handshakeType(d) < 0 || d.length < 13 + 12) {
            return -1;
        }
        int seq = ((d[13 + 4] & 0xff) << 8) | (d[13 + 5] & 0xff);
        int off = ((d[13 + 6] & 0xff) << 16) | ((d[13 + 7] & 0xff) << 8) | (d[13 + 8] & 0xff);
        return ((long) seq << 24) | off;
    }

    /** True when an epoch-0 handshake record carries only part of its message. */
    static boolean isPartialFragment(byte[] d) {
        if (handshakeType(d) < 0 || d.length < 13 + 12) {
            return false;
        }
        int length = ((d[14] & 0xff) << 16) | ((d[15] & 0xff) << 8) | (d[16] & 0xff);
        int fragLength = ((d[13 + 9] & 0xff) << 16) | ((d[13 + 10] & 0xff) << 8) | (d[13 + 11] & 0xff);
        return fragLength < length;
    }

    /**
     * Drops the first transmission of each record matching {@code inFlight}: a retransmitted
     * record (same handshake fragment, or same content type/epoch for CCS and encrypted records)
     * passes.
     */
    static Drop firstTransmissionOf(java.util.function.Predicate<byte[]> inFlight) {
        Set<String> seen = new HashSet<>();
        return (i, d) -> {
            if (!inFlight.test(d)) {
                return false;
            }
            String key = fragmentKey(d) >= 0 ? "hs" + fragmentKey(d) : "ct" + contentType(d) + "/" + epoch(d);
            synchronized (seen) {
                return seen.add(key);
            }
        };
    }
}
