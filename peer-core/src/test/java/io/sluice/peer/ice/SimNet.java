package io.sluice.peer.ice;

import io.sluice.peer.stun.StunAttribute;
import io.sluice.peer.stun.StunClass;
import io.sluice.peer.stun.StunMessage;
import io.sluice.peer.time.RandomSource;
import io.sluice.peer.wire.MalformedPacketException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A discrete-event simulated UDP network for ICE agents: seeded loss and delay, endpoint-independent
 * NATs, simulated STUN servers, and signalling between two agents. {@link #step()} jumps to the
 * earliest packet delivery or agent deadline; nothing sleeps.
 */
final class SimNet {

    static final long MS = 1_000_000L;
    static final long SECOND = 1_000 * MS;

    long now = 1_000 * SECOND; // any origin: agents must not assume zero
    private final Random rnd;
    double loss;
    long delay = 10 * MS;
    long jitter = 2 * MS;
    /** Packets matching this are dropped (in addition to random loss). */
    Predicate<Packet> blackhole = p -> false;

    private final List<Node> nodes = new ArrayList<>();
    private final Map<InetSocketAddress, Endpoint> routes = new HashMap<>();
    private final Map<InetSocketAddress, Boolean> stunServers = new HashMap<>();
    private final PriorityQueue<Packet> inFlight = new PriorityQueue<>(
            (a, b) -> a.deliverAt != b.deliverAt ? Long.compare(a.deliverAt, b.deliverAt) : Long.compare(a.seq, b.seq));
    private long seq;
    final List<Sent> sent = new ArrayList<>();

    SimNet(long seed) {
        this.rnd = new Random(seed);
    }

    /** A packet on the wire: {@code from} is the source as the receiver sees it. */
    record Packet(InetSocketAddress from, InetSocketAddress to, byte[] data, long deliverAt, long seq, Node sender) {
    }

    /** A transmit as it left an agent, with the time. */
    record Sent(long at, Node node, Transmit transmit) {
    }

    private record Endpoint(Node node, InetSocketAddress base) {
    }

    final class Node {
        final String name;
        final IceAgent agent;
        final Map<InetSocketAddress, InetSocketAddress> nat = new HashMap<>();
        final List<IceEvent> events = new ArrayList<>();
        final List<IceState> states = new ArrayList<>();
        Node peer;
        /** Signal gathered candidates to the peer (trickle); null to signal nothing. */
        Function<Candidate, Candidate> signalCandidate = c -> c;
        boolean signalEndOfCandidates = true;
        boolean signalling;

        Node(String name, IceAgent agent) {
            this.name = name;
            this.agent = agent;
        }

        /** Binds a host socket; with {@code publicAddress} it sits behind a NAT mapping to it. */
        Node host(String ipPort, String publicAddress) {
            InetSocketAddress base = addr(ipPort);
            if (publicAddress != null) {
                InetSocketAddress pub = addr(publicAddress);
                nat.put(base, pub);
                routes.put(pub, new Endpoint(this, base));
            } else {
                routes.put(base, new Endpoint(this, base));
            }
            agent.addHostCandidate(base, now);
            return this;
        }

        Node host(String ipPort) {
            return host(ipPort, null);
        }

        IceState state() {
            return agent.state();
        }

        <T extends IceEvent> List<T> events(Class<T> kind) {
            List<T> out = new ArrayList<>();
            for (IceEvent e : events) {
                if (kind.isInstance(e)) {
                    out.add(kind.cast(e));
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    Node node(String name, IceConfig config, long seed) {
        Node n = new Node(name, new IceAgent(config, RandomSource.seeded(seed)));
        nodes.add(n);
        return n;
    }

    void stunServer(String ipPort) {
        stunServers.put(addr(ipPort), true);
    }

    void stunServerDown(String ipPort) {
        stunServers.put(addr(ipPort), false);
    }

    /** Exchanges credentials now; candidates then flow as they are gathered (trickle). */
    void signal(Node a, Node b) {
        a.signalling = false;
        b.signalling = false;
        pump(); // log what was gathered so far; it is forwarded below
        a.peer = b;
        b.peer = a;
        a.agent.setRemoteCredentials(b.agent.localUfrag(), b.agent.localPwd(), now);
        b.agent.setRemoteCredentials(a.agent.localUfrag(), a.agent.localPwd(), now);
        a.signalling = true;
        b.signalling = true;
        forwardGathered(a);
        forwardGathered(b);
    }

    private void forwardGathered(Node n) {
        for (IceEvent e : n.events) {
            forward(n, e);
        }
    }

    private void forward(Node n, IceEvent e) {
        if (!n.signalling || n.peer == null) {
            return;
        }
        if (e instanceof IceEvent.CandidateGathered && n.signalCandidate != null) {
            Candidate c = n.signalCandidate.apply(((IceEvent.CandidateGathered) e).candidate());
            if (c != null) {
                n.peer.agent.addRemoteCandidate(c, now);
            }
        } else if (e instanceof IceEvent.GatheringComplete && n.signalEndOfCandidates) {
            n.peer.agent.remoteEndOfCandidates(now);
        }
    }

    /** Drains every agent's transmits onto the wire and events into its log. */
    void pump() {
        boolean again = true;
        while (again) {
            again = false;
            for (Node n : nodes) {
                Transmit t;
                while ((t = n.agent.pollTransmit()) != null) {
                    again = true;
                    sent.add(new Sent(now, n, t));
                    InetSocketAddress from = n.nat.getOrDefault(t.localBase(), t.localBase());
                    send(new Packet(from, t.remote(), t.data(), 0, 0, n));
                }
                IceEvent e;
                while ((e = n.agent.pollEvent()) != null) {
                    again = true;
                    n.events.add(e);
                    if (e instanceof IceEvent.StateChanged) {
                        n.states.add(((IceEvent.StateChanged) e).state());
                    }
                    forward(n, e);
                }
            }
        }
    }

    private void send(Packet p) {
        if (rnd.nextDouble() < loss || blackhole.test(p)) {
            return;
        }
        long at = now + delay + (jitter > 0 ? (long) (rnd.nextDouble() * jitter) : 0);
        inFlight.add(new Packet(p.from, p.to, p.data, at, seq++, p.sender));
    }

    /** Advances to the next delivery or deadline and processes it. False when nothing is left. */
    boolean step() {
        pump();
        long next = inFlight.isEmpty() ? Long.MAX_VALUE : inFlight.peek().deliverAt;
        for (Node n : nodes) {
            next = Math.min(next, n.agent.nextDeadline());
        }
        if (next == Long.MAX_VALUE) {
            return false;
        }
        now = Math.max(now, next);
        while (!inFlight.isEmpty() && inFlight.peek().deliverAt <= now) {
            deliver(inFlight.poll());
            pump();
        }
        for (Node n : nodes) {
            if (n.agent.nextDeadline() <= now) {
                n.agent.handleTimeout(now);
            }
        }
        pump();
        return true;
    }

    private void deliver(Packet p) {
        Boolean server = stunServers.get(p.to);
        if (server != null) {
            if (server) {
                answerAsStunServer(p);
            }
            return;
        }
        Endpoint e = routes.get(p.to);
        if (e == null) {
            return; // nobody there (a private address behind someone's NAT)
        }
        e.node.agent.handleStun(now, e.base, p.from, p.data, 0, p.data.length);
    }

    private void answerAsStunServer(Packet p) {
        StunMessage req;
        try {
            req = StunMessage.parse(p.data, 0, p.data.length);
        } catch (MalformedPacketException e) {
            return;
        }
        if (!req.isRequest()) {
            return;
        }
        byte[] resp = StunMessage.builder(StunMessage.BINDING, StunClass.SUCCESS_RESPONSE, req.transactionId())
                .add(new StunAttribute.XorMappedAddress(p.from))
                .add(new StunAttribute.Software("simnet"))
                .build().encode(null, true);
        send(new Packet(p.to, p.from, resp, 0, 0, null));
    }

    /** Runs until the condition holds; false if the simulated-time budget ran out first. */
    boolean runUntil(BooleanSupplier condition, long budgetNanos) {
        long end = now + budgetNanos;
        pump();
        while (!condition.getAsBoolean()) {
            if (now > end || !step()) {
                return condition.getAsBoolean();
            }
        }
        return true;
    }

    /** Runs for the given simulated time. */
    void runFor(long nanos) {
        long end = now + nanos;
        pump();
        while (true) {
            long next = inFlight.isEmpty() ? Long.MAX_VALUE : inFlight.peek().deliverAt;
            for (Node n : nodes) {
                next = Math.min(next, n.agent.nextDeadline());
            }
            if (next > end) {
                now = end;
                for (Node n : nodes) {
                    n.agent.handleTimeout(now);
                }
                pump();
                return;
            }
            step();
        }
    }

    static InetSocketAddress addr(String ipPort) {
        int colon = ipPort.lastIndexOf(':');
        String host = ipPort.substring(0, colon);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(ipPort.substring(colon + 1)));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ipPort, e);
        }
    }

    /** The STUN requests an agent sent, one per transaction (retransmissions excluded), in order. */
    List<Sent> newRequests(Node n) {
        List<Sent> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Sent s : sent) {
            if (s.node != n) {
                continue;
            }
            byte[] d = s.transmit.data();
            try {
                StunMessage m = StunMessage.parse(d, 0, d.length);
                if (m.isRequest() && seen.add(m.transactionId().toString())) {
                    out.add(s);
                }
            } catch (MalformedPacketException e) {
                throw new AssertionError("agent sent malformed STUN", e);
            }
        }
        return out;
    }
}
