package io.sluice.gateway.api;

import io.sluice.gateway.config.SluiceProperties;
import io.sluice.gateway.peers.LimitExceededException;
import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.gateway.peers.PeerEvent;
import io.sluice.gateway.peers.PeerNotFoundException;
import io.sluice.gateway.peers.PeerRegistry;
import io.sluice.gateway.security.Caller;
import io.sluice.peer.api.RTCConfiguration;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.RTCDataChannelInit;
import io.sluice.peer.api.RTCOfferOptions;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.error.RTCError;
import io.sluice.peer.api.error.TypeError;
import io.sluice.peer.api.error.WebRtcException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The WebSocket form of the API ({@code /v1/ws}): one socket drives any number of peers.
 *
 * <pre>
 *   request  {"id": "7", "op": "createOffer", "peerId": "...", "params": {...}}
 *   result   {"id": "7", "result": {...}}
 *   error    {"id": "7", "error": {"status": 409, "name": "InvalidStateError", "detail": "..."}}
 *   event    {"event": "icecandidate", "peerId": "...", "seq": 12, ...}
 * </pre>
 *
 * Operations carry the REST operationIds (createPeer, getPeer, close, createOffer, createAnswer,
 * setLocalDescription, setRemoteDescription, addIceCandidate, restartIce, createDataChannel,
 * send, closeDataChannel) plus subscribe/unsubscribe; createPeer subscribes the socket to the
 * new peer's events. Nothing is sent from a peer's event loop: messages go through the socket's
 * {@link SocketOutbox}, bounded in bytes. A socket that cannot keep up (4 MiB queued, or one send
 * taking 10 s) is told with an {@code overflow} event per subscribed peer and closed with 1013; the
 * client reconnects and subscribes with the last sequence number it saw.
 */
@Component
public class PeerSocketHandler extends TextWebSocketHandler implements org.springframework.beans.factory.DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PeerSocketHandler.class);

    private final PeerRegistry registry;
    private final ObjectMapper json;
    private final SluiceProperties properties;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    private final io.sluice.gateway.bridge.Bridges bridges;
    /** Continues sends as the container completes them, and closes sockets: never a peer's loop. */
    private final java.util.concurrent.ExecutorService senders = SocketOutbox.executor("sluice-ws");
    private final io.micrometer.core.instrument.Counter slowDropped;

    public PeerSocketHandler(PeerRegistry registry, ObjectMapper json, SluiceProperties properties,
            io.sluice.gateway.bridge.Bridges bridges, io.micrometer.core.instrument.MeterRegistry meterRegistry) {
        this.bridges = bridges;
        this.slowDropped = SocketOutbox.droppedCounter(meterRegistry, "websocket");
        this.registry = registry;
        this.json = json;
        this.properties = properties;
    }

    /** One socket: its outbox and its subscriptions. */
    private final class Session {
        final WebSocketSession socket;
        final String owner;
        final Map<String, Runnable> subscriptions = new ConcurrentHashMap<>();
        final SocketOutbox outbox;

        Session(WebSocketSession raw) {
            this.socket = raw;
            this.owner = Caller.ownerOf(raw.getPrincipal());
            this.outbox = new SocketOutbox(raw, senders, SocketOutbox.MAX_QUEUED_BYTES, this::dropped);
        }

        void send(Map<String, Object> message) {
            send(message, null, 0);
        }

        private void send(Map<String, Object> message, String peerId, long seq) {
            String text;
            try {
                text = json.writeValueAsString(message);
            } catch (RuntimeException e) {
                log.warn("socket {}: a message could not be written as JSON", socket.getId(), e);
                return;
            }
            outbox.send(new SocketOutbox.Outgoing(text, peerId, seq));
        }

        /** The outbox overflowed: the socket stops being fed; one overflow notice per subscribed peer. */
        private List<String> dropped(Map<String, Long> lastSent) {
            List<String> notices = new ArrayList<>();
            long now = System.currentTimeMillis();
            for (String peerId : subscriptions.keySet()) {
                long seq = lastSent.getOrDefault(peerId, 0L);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("event", "overflow");
                m.put("peerId", peerId);
                m.put("seq", seq);
                m.put("timestamp", now);
                m.put("reason", "subscriber too slow (more than " + SocketOutbox.MAX_QUEUED_BYTES
                        + " bytes queued); reconnect and subscribe with after=" + seq);
                notices.add(json.writeValueAsString(m));
            }
            close();
            slowDropped.increment();
            return notices;
        }

        void subscribe(ManagedPeer peer, long after) {
            subscriptions.computeIfAbsent(peer.id(), id -> peer.events().subscribe(after, this::event));
        }

        void event(PeerEvent e) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event", e.type());
            m.put("peerId", e.peerId());
            m.put("seq", e.seq());
            m.put("timestamp", e.timestamp());
            m.putAll(e.data());
            send(m, e.peerId(), e.seq());
        }

        void close() {
            subscriptions.values().forEach(Runnable::run);
            subscriptions.clear();
        }
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        sessions.put(session.getId(), new Session(session));
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        Session s = sessions.remove(session.getId());
        if (s != null) {
            s.outbox.closed();
            s.close();
            queuedMax.accumulate(s.outbox.highWater());
        }
    }

    private final java.util.concurrent.atomic.LongAccumulator queuedMax =
            new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);

    /** The most bytes any socket has had queued, open or closed (for tests and diagnostics). */
    long queuedHighWater() {
        return Math.max(queuedMax.get(), sessions.values().stream().mapToLong(s -> s.outbox.highWater()).max()
                .orElse(0));
    }

    @Override
    public void destroy() {
        senders.shutdownNow();
    }

    @Override
    protected void handleTextMessage(WebSocketSession raw, TextMessage message) {
        Session s = sessions.get(raw.getId());
        if (s == null) {
            return;
        }
        Request request;
        try {
            request = Request.parse(json, message.getPayload());
        } catch (TypeError e) {
            s.send(error(null, 400, "TypeError", e.getMessage()));
            return;
        } catch (RuntimeException e) {
            s.send(error(null, 400, "SyntaxError", "not JSON: " + e.getMessage()));
            return;
        }
        String id = request.id();
        CompletableFuture<?> result;
        try {
            result = dispatch(s, request.op(), request.peerId(), request.params());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((value, failure) -> {
            if (failure == null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", id);
                m.put("result", value);
                s.send(m);
            } else {
                s.send(errorOf(id, failure));
            }
        });
    }

    /** The envelope of a request: id, op and peerId are strings (numbers and booleans are taken as text), params. */
    record Request(String id, String op, String peerId, JsonNode params) {

        static Request parse(ObjectMapper json, String text) {
            JsonNode request = json.readTree(text);
            JsonNode params = request.get("params");
            return new Request(text(request, "id"), text(request, "op"), text(request, "peerId"),
                    params == null || params.isNull() ? json.createObjectNode() : params);
        }

        private static String text(JsonNode request, String field) {
            JsonNode v = request.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isValueNode()) {
                throw new TypeError(field + " must be a string, not " + v.getNodeType().name().toLowerCase());
            }
            return v.asString();
        }
    }

    private CompletableFuture<?> dispatch(Session s, String op, String peerId, JsonNode p) {
        if (op == null) {
            throw new TypeError("a request needs an op");
        }
        switch (op) {
            case "createPeer": {
                Dtos.CreatePeer body = json.treeToValue(p, Dtos.CreatePeer.class);
                RTCConfiguration cfg = body.configuration() == null ? RTCConfiguration.defaults()
                        : body.configuration().toRtc();
                PeersController.checkLimits(body.limits());
                var bindings = bridges.resolve(body.bridges(), s.owner);
                ManagedPeer peer = registry.create(cfg, body.metadata(), s.owner);
                PeersController.applyLimits(peer, body.limits());
                peer.bridges(bindings);
                s.subscribe(peer, 0);
                return done(Dtos.Peer.of(peer));
            }
            case "subscribe": {
                ManagedPeer peer = registry.get(peerId, s.owner);
                s.subscribe(peer, p.hasNonNull("after") ? p.get("after").asLong() : 0);
                return done(Map.of("subscribed", peer.id()));
            }
            case "unsubscribe": {
                Runnable r = s.subscriptions.remove(peerId);
                if (r != null) {
                    r.run();
                }
                return done(Map.of("unsubscribed", String.valueOf(peerId)));
            }
            default:
                break;
        }
        ManagedPeer peer = registry.get(peerId, s.owner);
        RTCPeerConnection pc = peer.pc();
        switch (op) {
            case "getPeer":
                return done(Dtos.Peer.of(peer));
            case "close":
                registry.close(peerId, s.owner);
                return done(Map.of("closed", peerId));
            case "createOffer":
                return pc.createOffer(new RTCOfferOptions(p.path("iceRestart").asBoolean(false)))
                        .thenApply(Dtos.Description::of);
            case "createAnswer":
                return pc.createAnswer().thenApply(Dtos.Description::of);
            case "setLocalDescription": {
                JsonNode d = p.get("description");
                return pc.setLocalDescription(d == null || d.isNull() ? null
                        : json.treeToValue(d, Dtos.Description.class).toRtc())
                        .thenApply(v -> Dtos.Description.of(pc.localDescription()));
            }
            case "setRemoteDescription":
                return pc.setRemoteDescription(json.treeToValue(p.get("description"), Dtos.Description.class).toRtc())
                        .thenApply(v -> Dtos.Description.of(pc.remoteDescription()));
            case "addIceCandidate": {
                JsonNode c = p.get("candidate");
                return pc.addIceCandidate(c == null || c.isNull() ? null
                        : json.treeToValue(c, Dtos.Candidate.class).toRtc()).thenApply(v -> Map.of());
            }
            case "getStats":
                return pc.getStats().thenApply(r -> r.asMap().values());
            case "restartIce":
                pc.restartIce();
                return done(Map.of());
            case "createDataChannel": {
                ChannelsController.CreateChannel b = json.treeToValue(p, ChannelsController.CreateChannel.class);
                var own = bridges.resolveForChannel(b.bridges(), peer.owner());
                String cid = peer.createDataChannel(b.label() == null ? "" : b.label(), new RTCDataChannelInit(
                        b.ordered(), b.maxPacketLifeTime(), b.maxRetransmits(), b.protocol(), b.negotiated(), b.id()),
                        own);
                return done(ManagedPeer.channelFields(cid, peer.channel(cid)));
            }
            case "send": {
                RTCDataChannel ch = channel(peer, p);
                if (p.hasNonNull("text")) {
                    String text = p.get("text").asString();
                    checkSize(peer, text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
                    ch.send(text);
                    peer.sent(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
                } else if (p.hasNonNull("binary")) {
                    byte[] data;
                    try {
                        data = Base64.getDecoder().decode(p.get("binary").asString());
                    } catch (IllegalArgumentException e) {
                        throw new TypeError("binary must be base64");
                    }
                    checkSize(peer, data.length);
                    ch.send(data);
                    peer.sent(data.length);
                } else {
                    throw new TypeError("send needs text or binary (base64)");
                }
                return done(Map.of("bufferedAmount", ch.bufferedAmount()));
            }
            case "closeDataChannel":
                channel(peer, p).close();
                return done(Map.of());
            default:
                throw new TypeError("unknown op " + op);
        }
    }

    private void checkSize(ManagedPeer peer, int length) {
        long limit = properties.limits().maxMessageBytes();
        if (peer.pc().sctp() != null) {
            limit = (long) Math.min(limit, peer.pc().sctp().maxMessageSize());
        }
        if (length > limit) {
            throw new LimitExceededException("message of " + length + " bytes exceeds " + limit, 413);
        }
    }

    private static RTCDataChannel channel(ManagedPeer peer, JsonNode p) {
        String cid = p.path("channelId").asString(null);
        RTCDataChannel ch = cid == null ? null : peer.channel(cid);
        if (ch == null) {
            throw new ChannelsController.ChannelNotFoundException(String.valueOf(cid));
        }
        return ch;
    }

    private static CompletableFuture<Object> done(Object value) {
        return CompletableFuture.completedFuture(value);
    }

    private static Map<String, Object> errorOf(String id, Throwable failure) {
        Throwable e = failure;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof WebRtcException w) {
            Map<String, Object> m = error(id, ProblemAdvice.status(w).value(), w.name(), w.getMessage());
            if (w instanceof RTCError r) {
                @SuppressWarnings("unchecked")
                Map<String, Object> err = (Map<String, Object>) m.get("error");
                err.put("errorDetail", r.errorDetail());
                if (r.sdpLineNumber() != null) {
                    err.put("sdpLineNumber", r.sdpLineNumber());
                }
            }
            return m;
        }
        if (e instanceof PeerNotFoundException || e instanceof ChannelsController.ChannelNotFoundException) {
            return error(id, 404, "NotFound", e.getMessage());
        }
        if (e instanceof LimitExceededException l) {
            return error(id, l.status(), "LimitExceeded", e.getMessage());
        }
        if (e instanceof tools.jackson.core.JacksonException) {
            return error(id, 400, "TypeError", "bad params: " + e.getMessage());
        }
        log.warn("websocket operation failed", e);
        return error(id, 500, "InternalError", "internal error");
    }

    private static Map<String, Object> error(String id, int status, String name, String detail) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("status", status);
        err.put("name", name);
        err.put("detail", detail);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("error", err);
        return m;
    }
}
