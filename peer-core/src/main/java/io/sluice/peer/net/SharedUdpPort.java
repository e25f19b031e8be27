package io.sluice.peer.net;

import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP port per address shared by every peer (what a Kubernetes Service or a firewall can
 * expose). Each datagram is routed to the peer it belongs to:
 *
 * <ol>
 *   <li>a STUN request or indication by the first part of its USERNAME, the recipient's ICE
 *       ufrag (RFC 8445 §7.2.2);
 *   <li>a STUN response by the transaction id of the request the peer sent;
 *   <li>anything else (DTLS, RTP) by its 5-tuple, learned from what the peer itself sends: a
 *       request to that address, or a success response, which its ICE agent sends only to a
 *       request that passed its MESSAGE-INTEGRITY check. A request that merely names a peer's ufrag
 *       (which anyone who saw the SDP knows, from any source address it can forge) routes nothing.
 * </ol>
 *
 * Datagrams nobody claims are dropped and counted. Peers get their datagrams on their own event
 * loop; sending goes straight to the shared socket (Netty channels take writes from any thread).
 */
public final class SharedUdpPort implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SharedUdpPort.class);

    /** 5-tuples kept per peer; beyond it the oldest is forgotten. */
    static final int MAX_ROUTES_PER_PEER = 64;
    /** How long a sent request's transaction id routes its response. */
    static final long TRANSACTION_NANOS = TimeUnit.SECONDS.toNanos(40);
    static final int MAX_TRANSACTIONS = 200_000;

    private final List<UdpSocket> sockets;
    private final ConcurrentHashMap<String, Registration> byUfrag = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Route, Registration> byRoute = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Txn, Pending> byTransaction = new ConcurrentHashMap<>();
    private final AtomicLong unrouted = new AtomicLong();
    private final AtomicLong sentRequests = new AtomicLong();

    private record Route(InetSocketAddress local, InetSocketAddress remote) {
    }

    private record Txn(long hi, int lo) {
        static Txn of(byte[] d) {
            long hi = 0;
            for (int i = 8; i < 16; i++) {
                hi = (hi << 8) | (d[i] & 0xff);
            }
            int lo = ((d[16] & 0xff) << 24) | ((d[17] & 0xff) << 16) | ((d[18] & 0xff) << 8) | (d[19] & 0xff);
            return new Txn(hi, lo);
        }
    }

    private record Pending(Registration owner, long at) {
    }

    private SharedUdpPort(List<UdpSocket> sockets) {
        this.sockets = sockets;
    }

    /**
     * Binds {@code port} (0: one ephemeral port per address) on every address; addresses that cannot
     * be bound are skipped with a warning. Fails when none could be bound.
     */
    public static CompletableFuture<SharedUdpPort> bind(NetworkRuntime runtime, List<InetAddress> addresses, int port,
            int bufferBytes) {
        List<UdpSocket> bound = new ArrayList<>();
        SharedUdpPort[] self = new SharedUdpPort[1];
        DatagramHandler router = (socket, from, data) -> self[0].route(socket, from, data);
        List<CompletableFuture<UdpSocket>> binds = new ArrayList<>();
        for (InetAddress a : addresses) {
            binds.add(UdpSocket.bind(runtime, runtime.nextLoop(), new InetSocketAddress(a, port), bufferBytes, router));
        }
        return CompletableFuture.allOf(binds.stream().map(f -> f.handle((s, e) -> s))
                .toArray(CompletableFuture[]::new)).thenApply(v -> {
                    for (int i = 0; i < binds.size(); i++) {
                        UdpSocket s = binds.get(i).getNow(null);
                        if (s != null) {
                            bound.add(s);
                        } else {
                            log.warn("shared UDP port: could not bind {}:{}", addresses.get(i).getHostAddress(), port);
                        }
                    }
                    if (bound.isEmpty()) {
                        throw new IllegalStateException("shared UDP port " + port + " could not be bound on "
                                + addresses);
                    }
                    self[0] = new SharedUdpPort(List.copyOf(bound));
                    log.info("shared UDP port on {}", bound.stream().map(UdpSocket::localAddress).toList());
                    return self[0];
                });
    }

    /** The bound sockets (one per address). */
    public List<UdpSocket> sockets() {
        return sockets;
    }

    /** Datagrams no peer claimed. */
    public long unrouted() {
        return unrouted.get();
    }

    public int registrations() {
        return (int) byUfrag.values().stream().distinct().count();
    }

    /**
     * A peer's place on the shared port: datagrams for it reach {@code handler} on {@code loop}.
     * The peer names its current ICE ufrag(s) and reports requests it sends, then closes the
     * registration when it closes.
     */
    public Registration register(EventLoop loop, DatagramHandler handler) {
        return new Registration(loop, handler);
    }

    /** See {@link #register}. Thread-safe. */
    public final class Registration implements AutoCloseable {
        private final EventLoop loop;
        private final DatagramHandler handler;
        private final Set<String> ufrags = ConcurrentHashMap.newKeySet();
        private final java.util.ArrayDeque<Route> routes = new java.util.ArrayDeque<>();
        private volatile boolean closed;

        private Registration(EventLoop loop, DatagramHandler handler) {
            this.loop = loop;
            this.handler = handler;
        }

        public List<UdpSocket> sockets() {
            return sockets;
        }

        /** Incoming checks whose USERNAME starts with {@code ufrag} are this peer's. */
        public void addUfrag(String ufrag) {
            if (!closed) {
                Registration previous = byUfrag.putIfAbsent(ufrag, this);
                if (previous != null && previous != this) {
                    throw new IllegalStateException("ICE ufrag already in use on the shared port");
                }
                ufrags.add(ufrag);
            }
        }

        public void removeUfrag(String ufrag) {
            ufrags.remove(ufrag);
            byUfrag.remove(ufrag, this);
        }

        /**
         * Sends a datagram from {@code socket} (one of {@link #sockets()}); STUN requests are noted
         * so their responses come back here, and the 5-tuple is learned.
         */
        public void send(UdpSocket socket, InetSocketAddress to, byte[] data) {
            if (closed) {
                return;
            }
            if (isStun(data)) {
                boolean c1 = (data[0] & 0x01) != 0;
                boolean c0 = (data[1] & 0x10) != 0;
                if (!c1 && !c0) { // class bits C1 C0 = 00: request
                    if ((sentRequests.incrementAndGet() & 4095) == 0 || byTransaction.size() >= MAX_TRANSACTIONS) {
                        expireTransactions(System.nanoTime());
                    }
                    byTransaction.put(Txn.of(data), new Pending(this, System.nanoTime()));
                    learn(new Route(socket.localAddress(), to));
                } else if (c1 && !c0) { // 10: success response, to a request the peer authenticated
                    learn(new Route(socket.localAddress(), to));
                }
            }
            socket.send(to, data);
        }

        private void learn(Route r) {
            Registration prev = byRoute.put(r, this);
            if (prev == this) {
                return;
            }
            synchronized (routes) {
                routes.addLast(r);
                if (routes.size() > MAX_ROUTES_PER_PEER) {
                    byRoute.remove(routes.removeFirst(), this);
                }
            }
        }

        private void deliver(UdpSocket socket, InetSocketAddress from, byte[] data) {
            if (loop.inEventLoop()) {
                handler.onDatagram(socket, from, data);
            } else {
                loop.execute(() -> {
                    if (!closed) {
                        handler.onDatagram(socket, from, data);
                    }
                });
            }
        }

        @Override
        public void close() {
            closed = true;
            for (String u : ufrags) {
                byUfrag.remove(u, this);
            }
            synchronized (routes) {
                for (Route r : routes) {
                    byRoute.remove(r, this);
                }
                routes.clear();
            }
            byTransaction.values().removeIf(p -> p.owner == this);
        }
    }

    static boolean isStun(byte[] d) {
        return d.length >= 20 && (d[0] & 0xc0) == 0 && d[4] == 0x21 && d[5] == 0x12 && (d[6] & 0xff) == 0xa4
                && d[7] == 0x42;
    }

    private void route(UdpSocket socket, InetSocketAddress from, byte[] data) {
        Registration target;
        if (isStun(data)) {
            boolean response = (data[0] & 0x01) != 0; // class bit C1: success or error response
            if (response) {
                Pending p = byTransaction.remove(Txn.of(data));
                target = p == null ? null : p.owner;
            } else {
                String ufrag = usernamePrefix(data);
                target = ufrag == null ? null : byUfrag.get(ufrag);
                if (target == null) {
                    target = byRoute.get(new Route(socket.localAddress(), from)); // consent/indications
                }
            }
        } else {
            target = byRoute.get(new Route(socket.localAddress(), from));
        }
        if (target == null || target.closed) {
            unrouted.incrementAndGet();
            return;
        }
        target.deliver(socket, from, data);
    }

    /** The recipient's ufrag: USERNAME up to the colon; null when absent or malformed. */
    static String usernamePrefix(byte[] d) {
        int length = ((d[2] & 0xff) << 8) | (d[3] & 0xff);
        int end = Math.min(d.length, 20 + length);
        int i = 20;
        while (i + 4 <= end) {
            int type = ((d[i] & 0xff) << 8) | (d[i + 1] & 0xff);
            int len = ((d[i + 2] & 0xff) << 8) | (d[i + 3] & 0xff);
            int value = i + 4;
            if (value + len > end) {
                return null;
            }
            if (type == 0x0006) {
                int colon = -1;
                for (int j = value; j < value + len; j++) {
                    if (d[j] == ':') {
                        colon = j;
                        break;
                    }
                }
                int stop = colon < 0 ? value + len : colon;
                return new String(d, value, stop - value, StandardCharsets.UTF_8);
            }
            i = value + ((len + 3) & ~3);
        }
        return null;
    }

    private void expireTransactions(long now) {
        Iterator<Map.Entry<Txn, Pending>> it = byTransaction.entrySet().iterator();
        while (it.hasNext()) {
            if (now - it.next().getValue().at > TRANSACTION_NANOS) {
                it.remove();
            }
        }
    }

    @Override
    public void close() {
        for (UdpSocket s : sockets) {
            s.close();
        }
        byUfrag.clear();
        byRoute.clear();
        byTransaction.clear();
    }

    @Override
    public String toString() {
        return "SharedUdpPort" + Arrays.toString(sockets.stream().map(UdpSocket::localAddress).toArray());
    }
}
