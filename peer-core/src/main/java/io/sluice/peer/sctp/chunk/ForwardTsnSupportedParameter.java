package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/** Forward-TSN-Supported (RFC 3758 §3.1, type 0xC000): no value. */
public record ForwardTsnSupportedParameter() implements Parameter {

    public static ForwardTsnSupportedParameter parse(ByteReader v) throws MalformedPacketException {
        Chunks.expectLength(v, 0, "Forward-TSN-Supported");
        return new ForwardTsnSupportedParameter();
    }

    @Override
    public int type() {
        return FORWARD_TSN_SUPPORTED;
    }

    @Override
    public int length() {
        return 4;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Parameters.header(w, FORWARD_TSN_SUPPORTED, 4);
    }
}
