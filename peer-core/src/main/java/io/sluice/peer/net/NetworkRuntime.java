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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads peer connections run on: a few Netty event loops (epoll where available, NIO
 * otherwise) shared by many peers, each peer pinned to one loop, and a small bounded pool for work
 * that blocks (the DTLS handshake). One runtime serves any number of peers; close it last.
 */
public final class NetworkRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NetworkRuntime.class);

    /** DTLS handshakes in progress at once in the shared runtime. */
    public static final int DEFAULT_CONCURRENT_HANDSHAKES = 256;

    private static volatile NetworkRuntime shared;

    private final EventLoopGroup group;
    private final boolean epoll;
    private final ThreadPoolExecutor blockingPool;

    private NetworkRuntime(int loops, int blockingThreads, boolean preferEpoll) {
        this.epoll = preferEpoll && Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(loops, daemonThreads("sluice-loop"), factory);
        // A handshake holds its thread while it waits for the peer, so queueing would let waiting
        // handshakes starve the ones they wait for: threads are made on demand up to the bound,
        // idle ones go away, and work beyond the bound is refused (the handshake fails at once).
        this.blockingPool = new ThreadPoolExecutor(0, blockingThreads, 5, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemonThreads("sluice-dtls"), new ThreadPoolExecutor.AbortPolicy());
        log.debug("network runtime: {} loops, transport {}", loops, epoll ? "epoll" : "nio");
    }

    /**
     * A runtime with {@code loops} event loops and at most {@code blockingThreads} threads for
     * blocking work: the number of DTLS handshakes that can be in progress at once.
     */
    public static NetworkRuntime create(int loops, int blockingThreads) {
        return new NetworkRuntime(loops, blockingThreads, true);
    }

    /** Same, forcing the NIO transport (to test the fallback). */
    public static NetworkRuntime createNio(int loops, int blockingThreads) {
        return new NetworkRuntime(loops, blockingThreads, false);
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

    /** Bounded pool for blocking work; tasks beyond its bound are rejected, never queued without bound. */
    public ExecutorService blockingPool() {
        return blockingPool;
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
