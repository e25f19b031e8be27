package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * A parameter this codec does not model (addresses, host names, ECN, AUTH, zero checksum, ...). The
 * upper two bits of the type say what to do if the receiver does not know it either (RFC 9260 §3.2.1):
 * 00 stop and discard, 01 stop and report, 10 skip, 11 skip and report.
 */
public record UnknownParameter(int type, byte[] value) implements Parameter {

    public static UnknownParameter parse(int type, ByteReader v) throws MalformedPacketException {
        return new UnknownParameter(type, v.bytes(v.remaining()));
    }

    @Override
    public int length() {
        return 4 + value.length;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Parameters.header(w, type, length());
        w.bytes(value);
        Chunks.pad(w, length());
    }
}
