package io.sluice.gateway.peers;

import io.sluice.peer.api.DataChannelListener;
import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.RTCDataChannelInit;
import io.sluice.peer.api.RTCIceCandidate;
import io.sluice.peer.api.RTCIceConnectionState;
import io.sluice.peer.api.RTCIceGatheringState;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCPeerConnectionIceErrorEvent;
import io.sluice.peer.api.RTCPeerConnectionIceEvent;
import io.sluice.peer.api.RTCPeerConnectionState;
import io.sluice.peer.api.RTCSignalingState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One server-side peer connection held by the gateway: its id, owner, metadata and the local
 * candidates gathered so far (so clients that poll instead of streaming events can fetch them).
 */
public final class ManagedPeer {

    private final String id;
    private final String owner;
    private final Map<String, String> metadata;
    private final Instant createdAt;
    private final RTCPeerConnection pc;
    private final List<RTCIceCandidate> localCandidates = new ArrayList<>();
    private final CompletableFuture<Void> gatheringComplete = new CompletableFuture<>();
    private final PeerEvents events;
    private volatile long stateSince = System.nanoTime();
    private final long createdNanos = System.nanoTime();
    private final java.util.concurrent.ConcurrentHashMap<String, RTCDataChannel> channels =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<RTCDataChannel, String> channelIds =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger nextChannel = new java.util.concurrent.atomic.AtomicInteger();

    private final PeerMeters meters;
    private volatile boolean everConnected;
    private volatile List<io.sluice.gateway.bridge.BridgeBinding> bridges = List.of();
    private final java.util.concurrent.ConcurrentHashMap<String, List<io.sluice.gateway.bridge.BridgeBinding>>
            channelBridges = new java.util.concurrent.ConcurrentHashMap<>();
    /** Channels attached to a bridge: their messages go there, not to the event stream. */
    private final java.util.Set<String> bridged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Integer maxChannels;
    private volatile java.time.Duration connectTimeout;
    /** The gateway's {@code sluice.limits.max-channels-per-peer}. */
    private final int gatewayMaxChannels;
    /** Guards the check of the channel limit with the insertion it allows, on every path. */
    private final Object channelLock = new Object();
    /** Closed channels still answered by id (the newest {@value #CLOSED_KEPT}); older ones are forgotten. */
    private final java.util.LinkedHashMap<String, RTCDataChannel> closedChannels = new java.util.LinkedHashMap<>();
    private long channelsRefused;

    /** Closed channels a peer keeps for the API to show; older ones are forgotten. */
    public static final int CLOSED_KEPT = 32;

    ManagedPeer(String id, String owner, Map<String, String> metadata, RTCPeerConnection pc, PeerMeters meters,
            int gatewayMaxChannels) {
        this.gatewayMaxChannels = gatewayMaxChannels;
        this.meters = meters;
        this.id = id;
        this.owner = owner;
        this.metadata = Map.copyOf(metadata);
        this.createdAt = Instant.now();
        this.pc = pc;
        this.events = new PeerEvents(id);
        pc.addListener(new PeerConnectionListener() {
            @Override
            public void onIceCandidate(RTCPeerConnectionIceEvent event) {
                RTCIceCandidate c = event.candidate();
                if (c == null) {
                    gatheringComplete.complete(null);
                } else if (!c.candidate().isEmpty()) {
                    synchronized (localCandidates) {
                        localCandidates.add(c);
                    }
                }
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("candidate", c == null ? null : candidate(c));
                events.publish("icecandidate", data);
            }

            @Override
            public void onIceCandidateError(RTCPeerConnectionIceErrorEvent e) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("address", e.address());
                data.put("port", e.port());
                data.put("url", e.url());
                data.put("errorCode", e.errorCode());
                data.put("errorText", e.errorText());
                events.publish("icecandidateerror", data);
            }

            @Override
            public void onSignalingStateChange(RTCSignalingState state) {
                events.publish("signalingstatechange", Map.of("state", state.spec()));
            }

            @Override
            public void onIceGatheringStateChange(RTCIceGatheringState state) {
                events.publish("icegatheringstatechange", Map.of("state", state.spec()));
            }

            @Override
            public void onIceConnectionStateChange(RTCIceConnectionState state) {
                events.publish("iceconnectionstatechange", Map.of("state", state.spec()));
            }

            @Override
            public void onConnectionStateChange(RTCPeerConnectionState state) {
                stateSince = System.nanoTime();
                if (state == RTCPeerConnectionState.CONNECTED && !everConnected) {
                    everConnected = true;
                    meters.setup.record(stateSince - createdNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
                }
                events.publish("connectionstatechange", Map.of("state", state.spec()));
            }

            @Override
            public void onNegotiationNeeded() {
                events.publish("negotiationneeded", Map.of());
            }

            @Override
            public void onDataChannel(RTCDataChannel channel) {
                String cid = track(channel);
                if (cid == null) {
                    return;
                }
                Map<String, Object> data = channelFields(cid, channel);
                events.publish("datachannel", data);
            }

            @Override
            public void onListenerFailure(RTCDataChannel channel, RuntimeException failure) {
                meters.listenerFailures.increment();
                Map<String, Object> data = new LinkedHashMap<>();
                String cid = channel == null ? null : channelIds.get(channel);
                if (cid != null) {
                    data.put("channelId", cid);
                }
                data.put("reason", "a listener of the gateway failed: " + failure);
                events.publish("bridgeerror", data);
            }
        });
    }

    /**
     * Creates a channel on the peer (W3C createDataChannel) with the gateway's event listener
     * registered first; returns its gateway id.
     */
    public String createDataChannel(String label, RTCDataChannelInit init) {
        return createDataChannel(label, init, List.of());
    }

    /** As {@link #createDataChannel(String, RTCDataChannelInit)}, with bridges of this channel's own. */
    public String createDataChannel(String label, RTCDataChannelInit init,
            List<io.sluice.gateway.bridge.BridgeBinding> own) {
        synchronized (channelLock) {
            int limit = channelLimit();
            if (channels.size() >= limit) {
                throw new LimitExceededException("this peer has " + channels.size() + " data channels open, its limit "
                        + "(sluice.limits.max-channels-per-peer, or the peer's limits.maxChannels)", 429);
            }
            String cid = "dc" + nextChannel.incrementAndGet();
            if (!own.isEmpty()) {
                channelBridges.put(cid, List.copyOf(own));
            }
            // The listener gets the channel before it can open: bridges attach on open, on the loop.
            RTCDataChannel ch;
            try {
                ch = pc.createDataChannel(label, init, c -> listenerFor(cid, () -> c));
            } catch (RuntimeException e) {
                channelBridges.remove(cid);
                throw e;
            }
            if (ch.readyState() != io.sluice.peer.api.RTCDataChannelState.CLOSED) {
                channels.put(cid, ch);
                channelIds.put(ch, cid);
            } else {
                remember(cid, ch);
            }
            return cid;
        }
    }

    /**
     * A channel the remote opened: tracked, or closed at once when the peer holds its limit of open
     * channels (counted in {@link #channelsRefused()} and told by a {@code channelrefused} event).
     * Returns its gateway id, or null when refused.
     */
    private String track(RTCDataChannel ch) {
        String cid;
        synchronized (channelLock) {
            int limit = channelLimit();
            if (channels.size() >= limit) {
                channelsRefused++;
                cid = null;
            } else {
                cid = "dc" + nextChannel.incrementAndGet();
                channels.put(cid, ch);
                channelIds.put(ch, cid);
            }
        }
        if (cid == null) {
            ch.close();
            meters.channelsRefused.increment();
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("label", ch.label());
            data.put("id", ch.id());
            data.put("reason", "the remote opened a data channel above this peer's limit of " + channelLimit()
                    + " open channels; it was closed");
            events.publish("channelrefused", data);
            return null;
        }
        ch.addListener(listenerFor(cid, () -> ch));
        return cid;
    }

    /** The open channels this peer may have: the gateway's limit, or the peer's own if lower. */
    public int channelLimit() {
        Integer own = maxChannels;
        return own == null ? gatewayMaxChannels : Math.min(gatewayMaxChannels, own);
    }

    /** Channels the remote opened above the limit, closed at once. */
    public long channelsRefused() {
        synchronized (channelLock) {
            return channelsRefused;
        }
    }

    /** A channel closed: forgotten but for a short history of the newest closed ones. */
    private void forget(String cid) {
        synchronized (channelLock) {
            RTCDataChannel ch = channels.remove(cid);
            channelBridges.remove(cid);
            bridged.remove(cid);
            if (ch != null) {
                channelIds.remove(ch);
                remember(cid, ch);
            }
        }
    }

    private void remember(String cid, RTCDataChannel ch) {
        closedChannels.put(cid, ch);
        if (closedChannels.size() > CLOSED_KEPT) {
            closedChannels.remove(closedChannels.keySet().iterator().next());
        }
    }

    private DataChannelListener listenerFor(String cid, java.util.function.Supplier<RTCDataChannel> channel) {
        return new DataChannelListener() {
            private RTCDataChannel ch() {
                return channel.get();
            }

            @Override
            public void onOpen() {
                RTCDataChannel c = ch();
                events.publish("open", channelFields(cid, c));
                if (c != null) {
                    for (io.sluice.gateway.bridge.BridgeBinding b : bridges) {
                        if (b.matches(c.label())) {
                            bridged.add(cid);
                            b.bridge().attach(ManagedPeer.this, cid, c, b.options());
                        }
                    }
                    for (io.sluice.gateway.bridge.BridgeBinding b : channelBridges.getOrDefault(cid, List.of())) {
                        bridged.add(cid);
                        b.bridge().attach(ManagedPeer.this, cid, c, b.options());
                    }
                }
            }

            @Override
            public void onMessage(String text) {
                meters.received(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
                if (bridged.contains(cid)) {
                    return;
                }
                Map<String, Object> m = channelRef(cid, ch());
                m.put("binary", false);
                m.put("data", text);
                events.publish("message", m);
            }

            @Override
            public void onMessage(byte[] data) {
                meters.received(data.length);
                if (bridged.contains(cid)) {
                    return;
                }
                Map<String, Object> m = channelRef(cid, ch());
                m.put("binary", true);
                m.put("data", java.util.Base64.getEncoder().encodeToString(data));
                events.publish("message", m);
            }

            @Override
            public void onBufferedAmountLow() {
                events.publish("bufferedamountlow", channelRef(cid, ch()));
            }

            @Override
            public void onError(io.sluice.peer.api.error.RTCError error) {
                Map<String, Object> m = channelRef(cid, ch());
                m.put("errorDetail", error.errorDetail());
                m.put("message", error.getMessage());
                events.publish("error", m);
            }

            @Override
            public void onClosing() {
                events.publish("closing", channelRef(cid, ch()));
            }

            @Override
            public void onClose() {
                events.publish("close", channelRef(cid, ch()));
                forget(cid);
            }
        };
    }

    private static Map<String, Object> channelRef(String cid, RTCDataChannel ch) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channelId", cid);
        m.put("label", ch == null ? null : ch.label());
        return m;
    }

    /** Every W3C attribute of a channel, for events and the REST view. */
    public static Map<String, Object> channelFields(String cid, RTCDataChannel ch) {
        Map<String, Object> m = channelRef(cid, ch);
        if (ch == null) {
            return m;
        }
        m.put("id", ch.id());
        m.put("protocol", ch.protocol());
        m.put("ordered", ch.ordered());
        m.put("maxPacketLifeTime", ch.maxPacketLifeTime());
        m.put("maxRetransmits", ch.maxRetransmits());
        m.put("negotiated", ch.negotiated());
        m.put("readyState", ch.readyState().spec());
        m.put("bufferedAmount", ch.bufferedAmount());
        m.put("bufferedAmountLowThreshold", ch.bufferedAmountLowThreshold());
        return m;
    }

    /** Counts a message the API sent on one of this peer's channels. */
    public void sent(int bytes) {
        meters.sent(bytes);
    }

    /** Publishes an event on this peer's stream (bridges report delivery failures this way). */
    public void publish(String type, Map<String, Object> data) {
        events.publish(type, data);
    }

    /** The channel with this gateway id (open, or among the newest closed), or null. */
    public RTCDataChannel channel(String cid) {
        RTCDataChannel ch = channels.get(cid);
        if (ch != null) {
            return ch;
        }
        synchronized (channelLock) {
            return closedChannels.get(cid);
        }
    }

    /** Gateway id → channel, in creation order of ids: those not closed and the newest closed ones. */
    public Map<String, RTCDataChannel> channels() {
        java.util.TreeMap<String, RTCDataChannel> sorted = new java.util.TreeMap<>(
                java.util.Comparator.comparingInt((String k) -> Integer.parseInt(k.substring(2))));
        synchronized (channelLock) {
            sorted.putAll(closedChannels);
            sorted.putAll(channels);
        }
        return sorted;
    }

    /** Channels not yet closed. */
    public int openChannelCount() {
        return channels.size();
    }

    private static Map<String, Object> candidate(RTCIceCandidate c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("candidate", c.candidate());
        m.put("sdpMid", c.sdpMid());
        m.put("sdpMLineIndex", c.sdpMLineIndex());
        m.put("usernameFragment", c.usernameFragment());
        return m;
    }

    /** The bridges this peer's channels are attached to when they open, by label. */
    public void bridges(List<io.sluice.gateway.bridge.BridgeBinding> bindings) {
        this.bridges = List.copyOf(bindings);
        for (io.sluice.gateway.bridge.BridgeBinding b : bindings) {
            if (b.events()) {
                b.bridge().attachEvents(this, b.options());
            }
        }
    }

    /** The bridge declarations of this peer. */
    public List<io.sluice.gateway.bridge.BridgeBinding> bindings() {
        return bridges;
    }

    /** Per-peer limits within the gateway's (null: the gateway's). */
    public void limits(Integer maxChannels, java.time.Duration connectTimeout) {
        this.maxChannels = maxChannels;
        this.connectTimeout = connectTimeout;
    }

    public Integer maxChannels() {
        return maxChannels;
    }

    public java.time.Duration connectTimeout() {
        return connectTimeout;
    }

    /** When the peer was created (System.nanoTime). */
    public long createdNanos() {
        return createdNanos;
    }

    /** When the connectionState last changed (System.nanoTime), or creation. */
    public long stateSince() {
        return stateSince;
    }

    /** The peer's event log and subscribers. */
    public PeerEvents events() {
        return events;
    }

    public String id() {
        return id;
    }

    public String owner() {
        return owner;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public RTCPeerConnection pc() {
        return pc;
    }

    public List<RTCIceCandidate> localCandidates() {
        synchronized (localCandidates) {
            return List.copyOf(localCandidates);
        }
    }

    /** Completes when ICE gathering finished (the null candidate was seen). */
    public CompletableFuture<Void> gatheringComplete() {
        return gatheringComplete;
    }
}
