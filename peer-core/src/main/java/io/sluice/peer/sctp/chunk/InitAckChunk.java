package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.util.List;

/** INIT-ACK (RFC 9260 §3.3.3): the layout of {@link InitChunk}, type 2, with a State Cookie parameter. */
public record InitAckChunk(int initiateTag, long aRwnd, int outboundStreams, int inboundStreams, int initialTsn,
        List<Parameter> parameters) implements Chunk {

    public static InitAckChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        InitFields f = InitFields.parse(v);
        return new InitAckChunk(f.initiateTag(), f.aRwnd(), f.outboundStreams(), f.inboundStreams(), f.initialTsn(),
                f.parameters());
    }

    public InitFields fields() {
        return new InitFields(initiateTag, aRwnd, outboundStreams, inboundStreams, initialTsn, parameters);
    }

    /** The state cookie, or null when missing (then the INIT-ACK is useless). */
    public byte[] stateCookie() {
        for (Parameter p : parameters) {
            if (p instanceof StateCookieParameter) {
                return ((StateCookieParameter) p).cookie();
            }
        }
        return null;
    }

    @Override
    public int type() {
        return ChunkType.INIT_ACK;
    }

    @Override
    public int length() {
        return 4 + InitFields.FIXED + Parameters.length(parameters);
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, ChunkType.INIT_ACK, 0, length());
        fields().writeTo(w);
    }
}
