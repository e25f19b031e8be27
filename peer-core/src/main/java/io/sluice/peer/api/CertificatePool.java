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
 * <p>
 * With a reuse period, one certificate serves every {@link #take()} for that long (as one TLS
 * server identity serves many sessions; each DTLS handshake still agrees its own ECDHE keys), so
 * the key generation is paid once per period rather than once per peer connection.
 */
public final class CertificatePool implements AutoCloseable {

    private final BlockingQueue<RTCCertificate> ready;
    private final RTCCertificate.KeygenAlgorithm algorithm;
    private final RandomSource random;
    private final Thread filler;
    private final AtomicLong generatedInline = new AtomicLong();
    private final long reuseMillis;
    private RTCCertificate shared;
    private long sharedSince;
    private volatile boolean closed;

    public CertificatePool(int size, RTCCertificate.KeygenAlgorithm algorithm) {
        this(size, algorithm, java.time.Duration.ZERO);
    }

    /** {@code reuse}: how long one certificate serves every caller; zero: each is handed out once. */
    public CertificatePool(int size, RTCCertificate.KeygenAlgorithm algorithm, java.time.Duration reuse) {
        if (reuse.isNegative()) {
            throw new IllegalArgumentException("reuse must not be negative: " + reuse);
        }
        this.reuseMillis = reuse.toMillis();
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

    /** ECDSA P-256 certificates, each serving every caller for {@code reuse}. */
    public static CertificatePool ecdsa(int size, java.time.Duration reuse) {
        return new CertificatePool(size, RTCCertificate.KeygenAlgorithm.ecdsaP256(), reuse);
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

    /**
     * A certificate no one else has been given (a ready one, or one generated now); with a reuse
     * period, the one current for that period.
     */
    public RTCCertificate take() {
        if (reuseMillis == 0) {
            return fresh();
        }
        long now = System.currentTimeMillis();
        synchronized (this) {
            if (shared == null || now - sharedSince >= reuseMillis || shared.dtls().isExpired(now)) {
                shared = fresh();
                sharedSince = System.currentTimeMillis(); // the period starts once it exists
            }
            return shared;
        }
    }

    private RTCCertificate fresh() {
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
