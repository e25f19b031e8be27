package io.sluice.peer.api;

import io.sluice.peer.time.RandomSource;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates generated ahead of need, so that making a peer connection does not wait for a key
 * pair (an ECDSA P-256 key and a self-signed certificate cost a few milliseconds of CPU, most of
 * what answering an offer costs). One daemon thread of its own keeps up to {@code size} fresh
 * certificates ready, never on a network loop or the handshake pool; each certificate is handed out
 * once. When the pool is empty (a burst of new peers) {@link #take()} generates on the caller's
 * thread, as a peer connection without a pool would.
 */
public final class CertificatePool implements AutoCloseable {

    private final BlockingQueue<RTCCertificate> ready;
    private final RTCCertificate.KeygenAlgorithm algorithm;
    private final RandomSource random;
    private final Thread filler;
    private final AtomicLong generatedInline = new AtomicLong();
    private volatile boolean closed;

    public CertificatePool(int size, RTCCertificate.KeygenAlgorithm algorithm) {
        if (size < 1 || size > 1024) {
            throw new IllegalArgumentException("size must be 1..1024: " + size);
        }
        this.ready = new ArrayBlockingQueue<>(size);
        this.algorithm = algorithm;
        this.random = RandomSource.secure();
        this.filler = new Thread(this::fill, "sluice-certificates");
        filler.setDaemon(true);
        filler.setPriority(Thread.MIN_PRIORITY);
        filler.start();
    }

    /** A pool of ECDSA P-256 certificates (the WebRTC default). */
    public static CertificatePool ecdsa(int size) {
        return new CertificatePool(size, RTCCertificate.KeygenAlgorithm.ecdsaP256());
    }

    private void fill() {
        try {
            while (!closed) {
                ready.put(RTCCertificate.generate(algorithm, System.currentTimeMillis(), random));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A certificate no one else has been given: a ready one, or one generated now. */
    public RTCCertificate take() {
        RTCCertificate c = ready.poll();
        if (c != null && !c.dtls().isExpired(System.currentTimeMillis())) {
            return c;
        }
        generatedInline.incrementAndGet();
        return RTCCertificate.generate(algorithm, System.currentTimeMillis(), random);
    }

    /** Certificates ready now. */
    public int readyCount() {
        return ready.size();
    }

    /** How many times {@link #take()} found the pool empty and generated on the caller's thread. */
    public long generatedInline() {
        return generatedInline.get();
    }

    @Override
    public void close() {
        closed = true;
        filler.interrupt();
        ready.clear();
    }
}
