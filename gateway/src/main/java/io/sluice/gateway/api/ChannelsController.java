package io.sluice.gateway.api;

import io.sluice.gateway.config.SluiceProperties;
import io.sluice.gateway.peers.LimitExceededException;
import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.gateway.peers.PeerRegistry;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.RTCDataChannelInit;
import io.sluice.peer.api.RTCSctpTransport;
import io.sluice.peer.api.error.TypeError;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A peer's data channels: create (W3C createDataChannel, every option), list, state, close, and
 * send a message: a {@code text/plain} body is a string message, {@code application/octet-stream}
 * a binary one. Received messages and channel events arrive on the peer's event stream.
 */
@RestController
@RequestMapping("/v1/peers/{id}/channels")
public class ChannelsController {

    private final PeerRegistry registry;
    private final SluiceProperties properties;
    private final io.sluice.gateway.bridge.Bridges bridges;

    public ChannelsController(PeerRegistry registry, SluiceProperties properties,
            io.sluice.gateway.bridge.Bridges bridges) {
        this.registry = registry;
        this.properties = properties;
        this.bridges = bridges;
    }

    /** W3C RTCDataChannelInit plus the label, and bridges of this channel's own (no channels pattern). */
    public record CreateChannel(String label, Boolean ordered, Integer maxPacketLifeTime, Integer maxRetransmits,
            String protocol, Boolean negotiated, Integer id,
            List<io.sluice.gateway.bridge.Bridges.Declaration> bridges) {
    }

    private RTCDataChannel channel(ManagedPeer peer, String cid) {
        RTCDataChannel ch = peer.channel(cid);
        if (ch == null) {
            throw new ChannelNotFoundException(cid);
        }
        return ch;
    }

    @PostMapping
    public ResponseEntity<Map<String, Object>> createDataChannel(@PathVariable String id,
            @RequestBody(required = false) CreateChannel body) {
        ManagedPeer peer = registry.get(id, Owner.current());
        CreateChannel b = body == null ? new CreateChannel("", null, null, null, null, null, null, null) : body;
        var own = bridges.resolveForChannel(b.bridges(), peer.owner());
        String cid = peer.createDataChannel(b.label() == null ? "" : b.label(), new RTCDataChannelInit(b.ordered(),
                b.maxPacketLifeTime(), b.maxRetransmits(), b.protocol(), b.negotiated(), b.id()), own);
        return ResponseEntity.created(URI.create("/v1/peers/" + id + "/channels/" + cid))
                .body(ManagedPeer.channelFields(cid, peer.channel(cid)));
    }

    @GetMapping
    public List<Map<String, Object>> listDataChannels(@PathVariable String id) {
        ManagedPeer peer = registry.get(id, Owner.current());
        List<Map<String, Object>> out = new ArrayList<>();
        peer.channels().forEach((cid, ch) -> out.add(ManagedPeer.channelFields(cid, ch)));
        return out;
    }

    @GetMapping("/{cid}")
    public Map<String, Object> getDataChannel(@PathVariable String id, @PathVariable String cid) {
        ManagedPeer peer = registry.get(id, Owner.current());
        return ManagedPeer.channelFields(cid, channel(peer, cid));
    }

    @DeleteMapping("/{cid}")
    public ResponseEntity<Void> closeDataChannel(@PathVariable String id, @PathVariable String cid) {
        ManagedPeer peer = registry.get(id, Owner.current());
        channel(peer, cid).close();
        return ResponseEntity.noContent().build();
    }

    /** W3C send(): text/plain → a string message, application/octet-stream → a binary one. */
    @PostMapping(path = "/{cid}/messages", consumes = {MediaType.TEXT_PLAIN_VALUE,
        MediaType.APPLICATION_OCTET_STREAM_VALUE})
    public ResponseEntity<Map<String, Object>> send(@PathVariable String id, @PathVariable String cid,
            @RequestBody(required = false) byte[] body,
            @org.springframework.web.bind.annotation.RequestHeader("Content-Type") String contentType) {
        ManagedPeer peer = registry.get(id, Owner.current());
        RTCDataChannel ch = channel(peer, cid);
        byte[] data = body == null ? new byte[0] : body;
        long limit = properties.limits().maxMessageBytes();
        RTCSctpTransport sctp = peer.pc().sctp();
        if (sctp != null) {
            limit = (long) Math.min(limit, sctp.maxMessageSize());
        }
        if (data.length > limit) {
            throw new LimitExceededException("message of " + data.length + " bytes exceeds " + limit
                    + " (the gateway's limit or the remote's max-message-size)", 413);
        }
        if (MediaType.parseMediaType(contentType).isCompatibleWith(MediaType.TEXT_PLAIN)) {
            String text = new String(data, StandardCharsets.UTF_8);
            if (!java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), data)) {
                throw new TypeError("a text/plain message must be UTF-8");
            }
            ch.send(text);
        } else {
            ch.send(data);
        }
        peer.sent(data.length);
        return ResponseEntity.accepted().body(Map.of("bufferedAmount", ch.bufferedAmount()));
    }

    /** No channel with that gateway id on the peer: 404. */
    public static final class ChannelNotFoundException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ChannelNotFoundException(String cid) {
            super("no data channel " + cid);
        }
    }
}
