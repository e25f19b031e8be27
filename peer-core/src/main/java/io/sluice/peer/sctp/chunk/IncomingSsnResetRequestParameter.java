package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/** Incoming SSN Reset Request (RFC 6525 §4.2, type 14): asks the receiver to reset its outgoing streams. */
public record IncomingSsnResetRequestParameter(int requestSeq, int[] streamIds) implements Parameter {

    public static IncomingSsnResetRequestParameter parse(ByteReader v) throws MalformedPacketException {
        int req = v.i32();
        if ((v.remaining() & 1) != 0) {
            throw new MalformedPacketException("odd stream list length", v.position());
        }
        int[] sids = new int[v.remaining() / 2];
        for (int i = 0; i < sids.length; i++) {
            sids[i] = v.u16();
        }
        return new IncomingSsnResetRequestParameter(req, sids);
    }

    @Override
    public int type() {
        return INCOMING_SSN_RESET_REQUEST;
    }

    @Override
    public int length() {
        return 8 + 2 * streamIds.length;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Parameters.header(w, INCOMING_SSN_RESET_REQUEST, length());
        w.u32(requestSeq);
        for (int s : streamIds) {
            w.u16(s);
        }
        Chunks.pad(w, length());
    }
}
