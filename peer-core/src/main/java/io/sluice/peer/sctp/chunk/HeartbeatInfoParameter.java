package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/** Heartbeat Info (RFC 9260 §3.3.5, type 1): opaque to the receiver, echoed back in HEARTBEAT-ACK. */
public record HeartbeatInfoParameter(byte[] info) implements Parameter {

    public static HeartbeatInfoParameter parse(ByteReader v) throws MalformedPacketException {
        return new HeartbeatInfoParameter(v.bytes(v.remaining()));
    }

    @Override
    public int type() {
        return HEARTBEAT_INFO;
    }

    @Override
    public int length() {
        return 4 + info.length;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Parameters.header(w, HEARTBEAT_INFO, length());
        w.bytes(info);
        Chunks.pad(w, length());
    }
}
