package io.sluice.peer.api;

/**
 * W3C RTCSctpTransport: the SCTP association data channels ride on. Exists once a description
 * with an {@code application} m-section has been negotiated ({@link RTCPeerConnection#sctp()}).
 */
public final class RTCSctpTransport {

    private final RTCDtlsTransport transport;
    private final DataChannels channels;
    private volatile RTCSctpTransportState state = RTCSctpTransportState.CONNECTING;

    RTCSctpTransport(RTCDtlsTransport transport, DataChannels channels) {
        this.transport = transport;
        this.channels = channels;
    }

    /** The DTLS transport the SCTP packets go over. */
    public RTCDtlsTransport transport() {
        return transport;
    }

    public RTCSctpTransportState state() {
        return state;
    }

    /** The largest message {@code send()} takes: the remote's a=max-message-size (65536 when absent). */
    public double maxMessageSize() {
        long v = channels.maxMessageSizeValue();
        return v == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : v;
    }

    /** How many channels can be open at once; null until SCTP is connected. */
    public Integer maxChannels() {
        return channels.maxChannels();
    }

    void setState(RTCSctpTransportState next) {
        state = next;
    }

    @Override
    public String toString() {
        return "RTCSctpTransport[" + state + "]";
    }
}
