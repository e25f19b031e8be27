package io.sluice.peer.net;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads peer connections run on: a few Netty event loops (epoll where available, NIO
 * otherwise) shared by many peers, each peer pinned to one loop; a bounded pool for the DTLS
 * handshake (BouncyCastle's handshake blocks its thread); and a small pool of its own for other
 * blocking work (DNS, certificate generation), so that work never waits behind handshakes nor
 * takes their threads. One runtime serves any number of peers; close it last.
 */
public final class NetworkRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NetworkRuntime.class);

    /** DTLS handshakes in progress at once in the shared runtime. */
    public static final int DEFAULT_CONCURRENT_HANDSHAKES = 256;
    /** Handshakes waiting for a thread in the shared runtime; beyond it they are refused. */
    public static final int DEFAULT_HANDSHAKE_QUEUE = 1024;
    /**
     * Handshakes in progress or waiting with one remote IP address beyond which, while every thread
     * is busy, it gets no more (many clients can share a NAT, so this applies only under pressure).
     */
    public static final int DEFAULT_HANDSHAKES_PER_SOURCE = 64;
    private static final int UTILITY_THREADS = 2;
    private static final int UTILITY_QUEUE = 256;

    private static volatile NetworkRuntime shared;

    private final EventLoopGroup group;
    private final boolean epoll;
    private final ThreadPoolExecutor blockingPool;
    private final ThreadPoolExecutor utilityPool;
    private final int handshakesPerSource;
    private final ConcurrentHashMap<InetAddress, Integer> handshakesBySource = new ConcurrentHashMap<>();
    private final AtomicLong handshakesRefused = new AtomicLong();

    private NetworkRuntime(int loops, int blockingThreads, int handshakeQueue, int handshakesPerSource,
            boolean preferEpoll) {
        if (blockingThreads < 1 || handshakeQueue < 0 || handshakesPerSource < 1) {
            throw new IllegalArgumentException("handshake threads and per-source bound must be positive, the queue"
                    + " not negative: " + blockingThreads + ", " + handshakeQueue + ", " + handshakesPerSource);
        }
        this.epoll = preferEpoll && Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(loops, daemonThreads("sluice-loop"), factory);
        // A handshake holds its thread while it waits for the peer. Threads are made on demand up to
        // the bound and idle ones go away; beyond the bound handshakes wait in a bounded queue (their
        // deadline runs from the start, so one that waited too long ends at once), and beyond the
        // queue they are refused: the handshake fails at once, nothing blocks.
        this.blockingPool = boundedPool(blockingThreads, handshakeQueue, "sluice-dtls");
        this.utilityPool = boundedPool(UTILITY_THREADS, UTILITY_QUEUE, "sluice-blocking");
        this.handshakesPerSource = handshakesPerSource;
        log.debug("network runtime: {} loops, transport {}", loops, epoll ? "epoll" : "nio");
    }

    /**
     * Up to {@code threads} threads made on demand (an idle one is reused first) before anything
     * waits; then up to {@code queue} tasks wait; beyond that tasks are refused.
     */
    private static ThreadPoolExecutor boundedPool(int threads, int queue, String name) {
        ThreadFirstQueue q = new ThreadFirstQueue(queue);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, threads, 5, TimeUnit.SECONDS, q, daemonThreads(name),
                (r, executor) -> {
                    if (executor.isShutdown() || !q.enqueue(r)) {
                        throw new RejectedExecutionException("pool and queue are full (" + threads + " running, "
                                + q.size() + " waiting)");
                    }
                });
        q.pool = pool;
        return pool;
    }

    /**
     * A queue that says "full" while the pool can still make a thread and none is idle, so the
     * pool makes one (a plain queue in front of a pool makes threads only once it is full); the
     * rejection handler then queues for real, within the bound.
     */
    private static final class ThreadFirstQueue extends LinkedBlockingQueue<Runnable> {
        private static final long serialVersionUID = 1L;
        private final int bound;
        transient ThreadPoolExecutor pool;

        ThreadFirstQueue(int bound) {
            this.bound = bound;
        }

        @Override
        public boolean offer(Runnable r) {
            ThreadPoolExecutor p = pool;
            if (p != null && p.getPoolSize() < p.getMaximumPoolSize() && p.getActiveCount() + size() >= p.getPoolSize()) {
                return false;
            }
            return enqueue(r);
        }

        synchronized boolean enqueue(Runnable r) {
            return size() < bound && super.offer(r);
        }
    }

    /**
     * A runtime with {@code loops} event loops and at most {@code blockingThreads} threads for
     * DTLS handshakes (the number that can be in progress at once), with the default queue and
     * per-source bound.
     */
    public static NetworkRuntime create(int loops, int blockingThreads) {
        return new NetworkRuntime(loops, blockingThreads, DEFAULT_HANDSHAKE_QUEUE, DEFAULT_HANDSHAKES_PER_SOURCE, true);
    }

    /**
     * Same, with the handshake queue (handshakes waiting for a thread before more are refused; 0
     * for none) and the bound on handshakes running or waiting with one remote IP address.
     */
    public static NetworkRuntime create(int loops, int blockingThreads, int handshakeQueue, int handshakesPerSource) {
        return new NetworkRuntime(loops, blockingThreads, handshakeQueue, handshakesPerSource, true);
    }

    /** Same, forcing the NIO transport (to test the fallback). */
    public static NetworkRuntime createNio(int loops, int blockingThreads) {
        return new NetworkRuntime(loops, blockingThreads, DEFAULT_HANDSHAKE_QUEUE, DEFAULT_HANDSHAKES_PER_SOURCE, false);
    }

    /**
     * The process-wide default runtime, created on first use with one loop per core and a blocking
     * pool sized for concurrent handshakes; it lives as long as the JVM.
     */
    public static NetworkRuntime shared() {
        NetworkRuntime r = shared;
        if (r == null) {
            synchronized (NetworkRuntime.class) {
                r = shared;
                if (r == null) {
                    int cores = Runtime.getRuntime().availableProcessors();
                    r = create(Math.max(1, cores), DEFAULT_CONCURRENT_HANDSHAKES);
                    shared = r;
                }
            }
        }
        return r;
    }

    public EventLoop nextLoop() {
        return group.next();
    }

    public EventLoopGroup group() {
        return group;
    }

    /**
     * The DTLS handshake pool: bounded threads and a bounded queue; tasks beyond both are rejected,
     * never queued without bound. Only for handshakes: use {@link #utilityPool()} for other work.
     */
    public ExecutorService blockingPool() {
        return blockingPool;
    }

    /** Bounded pool for blocking work other than handshakes: DNS lookups, certificate generation. */
    public ExecutorService utilityPool() {
        return utilityPool;
    }

    /**
     * Runs a handshake with {@code source} on the handshake pool. While the pool has a free thread
     * any source may use it (many peers behind one address, a load test); once every thread is
     * busy, a source that already has its share of handshakes running or waiting gets no more, so
     * one address cannot take the pool from the others.
     *
     * @throws RejectedExecutionException when every thread is busy and {@code source} has its
     *     share, or the pool and its queue are full
     */
    public void executeHandshake(InetAddress source, Runnable handshake) {
        boolean busy = blockingPool.getActiveCount() + blockingPool.getQueue().size()
                >= blockingPool.getMaximumPoolSize();
        int[] now = new int[1];
        handshakesBySource.compute(source, (k, v) -> {
            now[0] = v == null ? 1 : v + 1;
            return busy && now[0] > handshakesPerSource ? v : Integer.valueOf(now[0]);
        });
        if (busy && now[0] > handshakesPerSource) {
            handshakesRefused.incrementAndGet();
            throw new RejectedExecutionException("every DTLS handshake thread is busy and " + source.getHostAddress()
                    + " already has its share (" + handshakesPerSource + ")");
        }
        try {
            blockingPool.execute(() -> {
                try {
                    handshake.run();
                } finally {
                    release(source);
                }
            });
        } catch (RejectedExecutionException e) {
            release(source);
            handshakesRefused.incrementAndGet();
            throw new RejectedExecutionException("DTLS handshake " + e.getMessage());
        }
    }

    private void release(InetAddress source) {
        handshakesBySource.computeIfPresent(source, (k, v) -> v <= 1 ? null : v - 1);
    }

    /** Handshakes running now, waiting for a thread, and refused so far (per-source bound or full pool). */
    public HandshakeStats handshakeStats() {
        return new HandshakeStats(blockingPool.getActiveCount(), blockingPool.getQueue().size(), handshakesRefused.get(),
                blockingPool.getCompletedTaskCount() + blockingPool.getActiveCount());
    }

    /**
     * @param running  handshake threads busy now
     * @param waiting  handshakes queued for a thread
     * @param refused  handshakes refused so far
     * @param started  handshake tasks started so far (approximate, as the pool counts)
     */
    public record HandshakeStats(int running, int waiting, long refused, long started) {
    }

    public boolean isEpoll() {
        return epoll;
    }

    Class<? extends DatagramChannel> datagramChannelClass() {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    @Override
    public void close() {
        if (this == shared) {
            return;
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        blockingPool.shutdownNow();
        utilityPool.shutdownNow();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
