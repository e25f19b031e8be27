package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * Outgoing SSN Reset Request (RFC 6525 §4.1, type 13).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Parameter Type = 13       | Parameter Length = 16 + 2 * N |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Re-configuration Request Sequence Number            |
 * |           Re-configuration Response Sequence Number           |
 * |                Sender's Last Assigned TSN                     |
 * |  Stream Number 1 (optional)   |    Stream Number 2 (optional) |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * No stream numbers means all streams.
 */
public record OutgoingSsnResetRequestParameter(int requestSeq, int responseSeq, int senderLastTsn, int[] streamIds)
        implements Parameter {

    public static OutgoingSsnResetRequestParameter parse(ByteReader v) throws MalformedPacketException {
        int req = v.i32();
        int resp = v.i32();
        int last = v.i32();
        if ((v.remaining() & 1) != 0) {
            throw new MalformedPacketException("odd stream list length", v.position());
        }
        int[] sids = new int[v.remaining() / 2];
        for (int i = 0; i < sids.length; i++) {
            sids[i] = v.u16();
        }
        return new OutgoingSsnResetRequestParameter(req, resp, last, sids);
    }

    @Override
    public int type() {
        return OUTGOING_SSN_RESET_REQUEST;
    }

    @Override
    public int length() {
        return 16 + 2 * streamIds.length;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Parameters.header(w, OUTGOING_SSN_RESET_REQUEST, length());
        w.u32(requestSeq).u32(responseSeq).u32(senderLastTsn);
        for (int s : streamIds) {
            w.u16(s);
        }
        Chunks.pad(w, length());
    }
}
