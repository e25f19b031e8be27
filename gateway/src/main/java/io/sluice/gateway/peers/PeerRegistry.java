package io.sluice.gateway.peers;

import io.sluice.gateway.config.SluiceProperties;
import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCConfiguration;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.net.AddressFilter;
import io.sluice.peer.net.HostAddresses;
import io.sluice.peer.net.NetworkRuntime;
import io.sluice.peer.net.SharedUdpPort;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The peers this gateway instance holds, by unguessable id (128 random bits). A peer is visible
 * only to its owner (the API key that created it; null when keys are off).
 */
@Component
public class PeerRegistry implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PeerRegistry.class);

    private final ConcurrentHashMap<String, ManagedPeer> peers = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final SluiceProperties properties;
    private final PeerConnectionSettings settings;

    private final SharedUdpPort sharedPort;

    private final PeerMeters meters;
    /**
     * Peers' DTLS certificates, generated ahead so that creating a peer does not wait for a key; one
     * serves the new peers for {@code sluice.dtls.certificate-reuse}.
     */
    private final io.sluice.peer.api.CertificatePool certificates;

    private final OwnerQuotas quotas;

    public PeerRegistry(SluiceProperties properties, io.micrometer.core.instrument.MeterRegistry meterRegistry,
            OwnerQuotas quotas) {
        this.properties = properties;
        this.quotas = quotas;
        this.meters = new PeerMeters(meterRegistry);
        java.time.Duration reuse = properties.dtls().certificateReuse();
        this.certificates = io.sluice.peer.api.CertificatePool.ecdsa(reuse.isZero() ? 16 : 2, reuse);
        AddressFilter filter = addressFilter(properties.ice());
        PeerConnectionSettings s = PeerConnectionSettings.defaults().withAddressFilter(filter)
                .withSocketBufferBytes(properties.udp().socketBufferBytes())
                .withAdvertised(advertised(properties.ice().advertisedAddresses(), filter));
        if (properties.udp().shared()) {
            List<InetAddress> addresses = HostAddresses.enumerate(filter);
            if (addresses.isEmpty()) {
                throw new IllegalStateException("no local address to bind the shared UDP port on "
                        + "(check sluice.ice.addresses / interfaces / loopback)");
            }
            this.sharedPort = SharedUdpPort.bind(NetworkRuntime.shared(), addresses, properties.udp().port(),
                    properties.udp().socketBufferBytes()).join();
            s = s.withSharedPort(sharedPort);
        } else {
            this.sharedPort = null;
        }
        this.settings = s;
    }

    /**
     * {@code local=public} pairs; {@code *=public} maps every gathered address of the public one's
     * family (a container that does not know its own address beforehand).
     */
    static Map<InetAddress, InetAddress> advertised(List<String> pairs, AddressFilter filter) {
        Map<InetAddress, InetAddress> out = new java.util.LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("sluice.ice.advertised-addresses: expected local=public, got " + pair);
            }
            try {
                InetAddress pub = InetAddress.getByName(pair.substring(eq + 1).trim());
                String local = pair.substring(0, eq).trim();
                if (local.equals("*")) {
                    for (InetAddress a : HostAddresses.enumerate(filter)) {
                        if (a.getClass() == pub.getClass()) {
                            out.putIfAbsent(a, pub);
                        }
                    }
                    continue;
                }
                out.put(InetAddress.getByName(local), pub);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("sluice.ice.advertised-addresses: not an address in " + pair, e);
            }
        }
        return out;
    }

    /** The shared UDP port, or null in per-peer mode. */
    public SharedUdpPort sharedPort() {
        return sharedPort;
    }

    static AddressFilter addressFilter(SluiceProperties.Ice ice) {
        AddressFilter filter = ice.loopback() ? (nif, a) -> true : AddressFilter.NON_LOOPBACK;
        if (!ice.addresses().isEmpty()) {
            List<InetAddress> list = new ArrayList<>();
            for (String a : ice.addresses()) {
                try {
                    list.add(InetAddress.getByName(a));
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("sluice.ice.addresses: not an address: " + a, e);
                }
            }
            AddressFilter only = AddressFilter.only(list);
            filter = ice.interfaces().isEmpty() ? only : (nif, a) -> only.accept(nif, a)
                    || Set.copyOf(ice.interfaces()).contains(nif);
        } else if (!ice.interfaces().isEmpty()) {
            filter = filter.and(AddressFilter.interfaces(Set.copyOf(ice.interfaces())));
        }
        return filter;
    }

    /**
     * Creates a peer connection.
     *
     * @throws io.sluice.peer.api.error.WebRtcException for a configuration the W3C constructor refuses
     * @throws LimitExceededException when the instance holds {@code sluice.limits.max-peers} already,
     *     or the owner its quota ({@code sluice.quotas.peers})
     */
    public ManagedPeer create(RTCConfiguration configuration, Map<String, String> metadata, String owner) {
        if (draining) {
            throw new LimitExceededException("this instance is draining (shutting down); create the peer elsewhere",
                    503);
        }
        quotas.take(OwnerQuotas.Quota.PEERS, owner);
        if (count.incrementAndGet() > properties.limits().maxPeers()) {
            count.decrementAndGet();
            quotas.give(OwnerQuotas.Quota.PEERS, owner);
            throw new LimitExceededException("this gateway holds " + properties.limits().maxPeers()
                    + " peers, its limit", 429);
        }
        RTCPeerConnection pc;
        try {
            RTCConfiguration withCertificate = configuration.certificates().isEmpty()
                    ? configuration.toBuilder().certificates(List.of(certificates.take())).build() : configuration;
            pc = new RTCPeerConnection(withCertificate, settings);
        } catch (RuntimeException e) {
            count.decrementAndGet();
            quotas.give(OwnerQuotas.Quota.PEERS, owner);
            throw e;
        }
        String id = newId();
        ManagedPeer peer = new ManagedPeer(id, owner, metadata == null ? Map.of() : metadata, pc, meters,
                properties.limits().maxChannelsPerPeer());
        peers.put(id, peer);
        log.info("peer {} created", id);
        return peer;
    }

    private String newId() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The peer with this id, if {@code owner} may see it. */
    public ManagedPeer get(String id, String owner) {
        ManagedPeer p = id == null ? null : peers.get(id);
        if (p == null || !Objects.equals(p.owner(), owner)) {
            throw new PeerNotFoundException(id);
        }
        return p;
    }

    /** The peer with this id whoever owns it, or null: for bridges, whose backends are trusted by configuration. */
    public ManagedPeer find(String id) {
        return id == null ? null : peers.get(id);
    }

    public List<ManagedPeer> list(String owner) {
        return peers.values().stream().filter(p -> Objects.equals(p.owner(), owner))
                .sorted((a, b) -> a.createdAt().compareTo(b.createdAt())).toList();
    }

    public Collection<ManagedPeer> all() {
        return peers.values();
    }

    /** Closes the peer and forgets it. */
    public void close(String id, String owner) {
        remove(get(id, owner), "closed by the API");
    }

    private void remove(ManagedPeer p, String reason) {
        if (peers.remove(p.id(), p)) {
            count.decrementAndGet();
            quotas.give(OwnerQuotas.Quota.PEERS, p.owner());
            meters.collectDrops(p, true);
            p.pc().close();
            p.events().publish("closed", java.util.Map.of("reason", reason));
            log.info("peer {} closed: {}", p.id(), reason);
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /**
     * Closes peers that never connected within {@code sluice.timeouts.connect} or stayed
     * disconnected or failed for {@code sluice.timeouts.disconnected}; their owners learn it from
     * the {@code closed} event with the reason.
     */
    /** Moves every peer's drop counts into the {@code sluice.drops} meters. */
    @org.springframework.scheduling.annotation.Scheduled(fixedDelay = 5000)
    public void collectDrops() {
        for (ManagedPeer p : peers.values()) {
            meters.collectDrops(p, false);
        }
    }

    @org.springframework.scheduling.annotation.Scheduled(fixedDelay = 1000)
    public void expireIdle() {
        long now = System.nanoTime();
        long disconnected = properties.timeouts().disconnected().toNanos();
        for (ManagedPeer p : peers.values()) {
            io.sluice.peer.api.RTCPeerConnectionState s = p.pc().connectionState();
            long in = now - p.stateSince();
            switch (s) {
                case NEW:
                case CONNECTING: {
                    java.time.Duration limit = connectTimeout(p);
                    if (now - p.createdNanos() > limit.toNanos() && in > 0) {
                        meters.closedByTimeout.increment();
                        remove(p, "did not connect within " + limit);
                    }
                    break;
                }
                case DISCONNECTED:
                case FAILED:
                    if (in > disconnected) {
                        meters.closedByTimeout.increment();
                        remove(p, "was " + s.spec() + " for " + properties.timeouts().disconnected());
                    }
                    break;
                default:
                    break;
            }
        }
    }

    /**
     * How long {@code p} may take to connect: its own {@code limits.connectTimeoutSeconds} when
     * shorter, never more than the gateway's {@code sluice.timeouts.connect} (a peer that could ask
     * for more would hold its slot without ever connecting).
     */
    java.time.Duration connectTimeout(ManagedPeer p) {
        java.time.Duration gateway = properties.timeouts().connect();
        java.time.Duration own = p.connectTimeout();
        return own != null && own.compareTo(gateway) < 0 ? own : gateway;
    }

    public int size() {
        return count.get();
    }

    private volatile boolean draining;
    /** Notified whenever a peer is removed, so the drain ends as soon as the last owner has left. */
    private final Object drained = new Object();

    public boolean draining() {
        return draining;
    }

    /**
     * Graceful drain, when the application context starts closing (before the web server and the
     * event streams stop): the instance refuses new peers (503) and reports itself not ready, tells
     * every peer's owner (a {@code draining} event with the deadline), waits
     * {@code sluice.timeouts.drain} or until its peers are gone, then closes what is left.
     */
    @org.springframework.context.event.EventListener
    public void drain(org.springframework.context.event.ContextClosedEvent event) {
        if (event.getApplicationContext().getParent() != null || draining) {
            return;
        }
        draining = true;
        org.springframework.boot.availability.AvailabilityChangeEvent.publish(event.getApplicationContext(), this,
                org.springframework.boot.availability.ReadinessState.REFUSING_TRAFFIC);
        java.time.Duration grace = properties.timeouts().drain();
        long deadline = System.currentTimeMillis() + grace.toMillis();
        for (ManagedPeer p : peers.values()) {
            p.publish("draining", Map.of("deadline", deadline, "reason", "the gateway instance is stopping"));
        }
        long end = System.nanoTime() + grace.toNanos();
        synchronized (drained) {
            long left;
            while (!peers.isEmpty() && (left = end - System.nanoTime()) > 0) {
                try {
                    drained.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        for (ManagedPeer p : List.copyOf(peers.values())) {
            remove(p, "the gateway instance stopped (drain period over)");
        }
    }

    @Override
    public void destroy() {
        for (ManagedPeer p : peers.values()) {
            p.pc().close();
        }
        peers.clear();
        certificates.close();
        if (sharedPort != null) {
            sharedPort.close();
        }
    }
}
