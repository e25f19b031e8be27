package io.sluice.gateway.bridge;

import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.peer.api.DataChannelListener;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.RTCDataChannelState;
import org.springframework.stereotype.Component;

/**
 * {@code loopback}: echoes every message back on its channel, text as text and binary as binary;
 * for diagnostics and benchmarks. The echo is queued on the channel like any send, so a remote that
 * sends faster than it reads sees its own bufferedAmount, not loss.
 */
@Component
public class LoopbackBridge implements Bridge {

    @Override
    public String name() {
        return "loopback";
    }

    @Override
    public void validate(java.util.Map<String, String> options) {
        Bridge.onlyOptions(name(), options);
    }

    @Override
    public void attach(ManagedPeer peer, String channelId, RTCDataChannel channel,
            java.util.Map<String, String> options) {
        channel.addListener(new DataChannelListener() {
            @Override
            public void onMessage(String text) {
                if (channel.readyState() == RTCDataChannelState.OPEN) {
                    channel.send(text);
                    peer.sent(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
                }
            }

            @Override
            public void onMessage(byte[] data) {
                if (channel.readyState() == RTCDataChannelState.OPEN) {
                    channel.send(data);
                    peer.sent(data.length);
                }
            }
        });
    }
}
