package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * Re-configuration Response (RFC 6525 §4.4, type 16): the result of one request, with the optional
 * sender's/receiver's next TSN pair (only for SSN/TSN reset, unused here but parsed).
 */
public record ReconfigurationResponseParameter(int responseSeq, int result, boolean hasTsns, int senderNextTsn,
        int receiverNextTsn) implements Parameter {

    public static final int SUCCESS_NOTHING_TO_DO = 0;
    public static final int SUCCESS_PERFORMED = 1;
    public static final int DENIED = 2;
    public static final int ERROR_WRONG_SSN = 3;
    public static final int ERROR_REQUEST_ALREADY_IN_PROGRESS = 4;
    public static final int ERROR_BAD_SEQUENCE_NUMBER = 5;
    public static final int IN_PROGRESS = 6;

    public static ReconfigurationResponseParameter of(int responseSeq, int result) {
        return new ReconfigurationResponseParameter(responseSeq, result, false, 0, 0);
    }

    public static ReconfigurationResponseParameter parse(ByteReader v) throws MalformedPacketException {
        int seq = v.i32();
        int result = v.i32();
        if (v.remaining() == 0) {
            return of(seq, result);
        }
        Chunks.expectLength(v, 8, "Re-configuration Response");
        return new ReconfigurationResponseParameter(seq, result, true, v.i32(), v.i32());
    }

    @Override
    public int type() {
        return RECONFIGURATION_RESPONSE;
    }

    @Override
    public int length() {
        return hasTsns ? 20 : 12;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Parameters.header(w, RECONFIGURATION_RESPONSE, length());
        w.u32(responseSeq).u32(result);
        if (hasTsns) {
            w.u32(senderNextTsn).u32(receiverNextTsn);
        }
    }
}
