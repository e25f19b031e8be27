package io.sluice.peer.api;

import java.util.List;
import java.util.function.Supplier;

/** W3C RTCDtlsTransport: the DTLS session of a peer connection's (single, bundled) transport. */
public final class RTCDtlsTransport {

    private final Supplier<RTCDtlsTransportState> state;
    private final Supplier<List<byte[]>> remoteCertificates;

    RTCDtlsTransport(Supplier<RTCDtlsTransportState> state, Supplier<List<byte[]>> remoteCertificates) {
        this.state = state;
        this.remoteCertificates = remoteCertificates;
    }

    public RTCDtlsTransportState state() {
        return state.get();
    }

    /** The remote's certificate chain, DER, leaf first; empty before the handshake. */
    public List<byte[]> getRemoteCertificates() {
        return remoteCertificates.get();
    }

    @Override
    public String toString() {
        return "RTCDtlsTransport[" + state() + "]";
    }
}
