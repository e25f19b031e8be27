package io.sluice.gateway.bridge;

import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.peer.api.DataChannelListener;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.RTCDataChannelState;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code loopback}: echoes every message back on its channel, text as text and binary as binary;
 * for diagnostics and benchmarks.
 * <p>
 * Nothing is dropped: the echo is queued on the channel like any send, and while the channel holds
 * more than {@link #HIGH_WATER} unsent bytes its reading is paused, so the remote's messages stay
 * in its SCTP window and the remote's own sender is held back (its bufferedAmount grows). Reading
 * resumes once the channel has drained to {@link #LOW_WATER}. An echo that still fails (the channel
 * closed under it) is reported as a {@code bridgeerror} event.
 */
@Component
public class LoopbackBridge implements Bridge {

    /** Unsent echo bytes above which the remote is held back. */
    static final long HIGH_WATER = 4L * 1024 * 1024;
    /** Unsent echo bytes at which reading resumes. */
    static final long LOW_WATER = 1024L * 1024;

    @Override
    public String name() {
        return "loopback";
    }

    @Override
    public void validate(Map<String, String> options) {
        Bridge.onlyOptions(name(), options);
    }

    @Override
    public void attach(ManagedPeer peer, String channelId, RTCDataChannel channel, Map<String, String> options) {
        channel.addListener(new Echo(peer, channelId, channel));
    }

    /** One channel's echo; every callback runs on the peer's loop. */
    private static final class Echo implements DataChannelListener {
        private final ManagedPeer peer;
        private final String channelId;
        private final RTCDataChannel channel;
        private boolean paused;

        Echo(ManagedPeer peer, String channelId, RTCDataChannel channel) {
            this.peer = peer;
            this.channelId = channelId;
            this.channel = channel;
        }

        @Override
        public void onMessage(String text) {
            int size = text.getBytes(StandardCharsets.UTF_8).length;
            echo(size, () -> channel.send(text));
        }

        @Override
        public void onMessage(byte[] data) {
            echo(data.length, () -> channel.send(data));
        }

        private void echo(int size, Runnable send) {
            if (channel.readyState() != RTCDataChannelState.OPEN) {
                failed(size, "the channel is " + channel.readyState().spec());
                return;
            }
            try {
                send.run();
                peer.sent(size);
            } catch (RuntimeException e) {
                failed(size, e.getMessage());
                return;
            }
            if (!paused && channel.bufferedAmount() > HIGH_WATER) {
                paused = true;
                channel.pauseReading();
                channel.bufferedAmountAtMost(LOW_WATER).thenRun(this::resume);
            }
        }

        private void resume() {
            paused = false;
            channel.resumeReading();
        }

        private void failed(int size, String reason) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("channelId", channelId);
            m.put("target", "loopback");
            m.put("reason", "echo of " + size + " bytes not sent: " + reason);
            peer.publish("bridgeerror", m);
        }
    }
}
