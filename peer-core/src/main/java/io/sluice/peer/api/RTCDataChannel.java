package io.sluice.peer.api;

import io.sluice.peer.api.error.InvalidStateError;
import io.sluice.peer.api.error.TypeError;
import java.nio.charset.StandardCharsets;

/**
 * W3C RTCDataChannel. The SCTP association that carries data channels is not built yet: a channel
 * negotiates its m-section and stays {@code connecting}; {@link #send} fails with
 * InvalidStateError as it does on any channel that is not open.
 */
public final class RTCDataChannel {

    private final String label;
    private final boolean ordered;
    private final Integer maxPacketLifeTime;
    private final Integer maxRetransmits;
    private final String protocol;
    private final boolean negotiated;
    private final Integer id;
    private volatile RTCDataChannelState readyState = RTCDataChannelState.CONNECTING;
    private volatile long bufferedAmountLowThreshold;

    private RTCDataChannel(String label, RTCDataChannelInit init) {
        this.label = label;
        this.ordered = init.ordered() == null || init.ordered();
        this.maxPacketLifeTime = init.maxPacketLifeTime();
        this.maxRetransmits = init.maxRetransmits();
        this.protocol = init.protocol() == null ? "" : init.protocol();
        this.negotiated = init.negotiated() != null && init.negotiated();
        this.id = init.id();
    }

    /** Validates as W3C createDataChannel does (TypeError) and makes the channel. */
    static RTCDataChannel create(String label, RTCDataChannelInit init) {
        String l = label == null ? "" : label;
        if (l.getBytes(StandardCharsets.UTF_8).length > 65535) {
            throw new TypeError("label is longer than 65535 bytes");
        }
        if (init.protocol() != null && init.protocol().getBytes(StandardCharsets.UTF_8).length > 65535) {
            throw new TypeError("protocol is longer than 65535 bytes");
        }
        if (init.maxPacketLifeTime() != null && init.maxRetransmits() != null) {
            throw new TypeError("maxPacketLifeTime and maxRetransmits cannot both be set");
        }
        if (init.maxPacketLifeTime() != null && (init.maxPacketLifeTime() < 0 || init.maxPacketLifeTime() > 65535)) {
            throw new TypeError("maxPacketLifeTime must be 0..65535");
        }
        if (init.maxRetransmits() != null && (init.maxRetransmits() < 0 || init.maxRetransmits() > 65535)) {
            throw new TypeError("maxRetransmits must be 0..65535");
        }
        boolean negotiated = init.negotiated() != null && init.negotiated();
        if (negotiated && init.id() == null) {
            throw new TypeError("a negotiated channel needs an id");
        }
        if (init.id() != null && (init.id() < 0 || init.id() > 65534)) {
            throw new TypeError("id must be 0..65534");
        }
        return new RTCDataChannel(l, init);
    }

    public String label() {
        return label;
    }

    public boolean ordered() {
        return ordered;
    }

    public Integer maxPacketLifeTime() {
        return maxPacketLifeTime;
    }

    public Integer maxRetransmits() {
        return maxRetransmits;
    }

    public String protocol() {
        return protocol;
    }

    public boolean negotiated() {
        return negotiated;
    }

    /** The SCTP stream id; null until the DTLS role is known for channels that did not preset one. */
    public Integer id() {
        return id;
    }

    public RTCDataChannelState readyState() {
        return readyState;
    }

    public long bufferedAmount() {
        return 0;
    }

    public long bufferedAmountLowThreshold() {
        return bufferedAmountLowThreshold;
    }

    public void setBufferedAmountLowThreshold(long value) {
        if (value < 0) {
            throw new TypeError("bufferedAmountLowThreshold must not be negative");
        }
        bufferedAmountLowThreshold = value;
    }

    public void send(String text) {
        throw new InvalidStateError("data channel '" + label + "' is " + readyState + ", not open");
    }

    public void send(byte[] data) {
        throw new InvalidStateError("data channel '" + label + "' is " + readyState + ", not open");
    }

    public void close() {
        readyState = RTCDataChannelState.CLOSED;
    }

    void closedByPeerConnection() {
        readyState = RTCDataChannelState.CLOSED;
    }

    @Override
    public String toString() {
        return "RTCDataChannel[" + label + ", " + readyState + "]";
    }
}
