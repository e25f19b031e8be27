package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.util.List;

/** The common body of INIT and INIT-ACK, and what the association needs from the parameters. */
public record InitFields(int initiateTag, long aRwnd, int outboundStreams, int inboundStreams, int initialTsn,
        List<Parameter> parameters) {

    static final int FIXED = 16;

    static InitFields parse(ByteReader v) throws MalformedPacketException {
        int tag = v.i32();
        long rwnd = v.u32();
        int os = v.u16();
        int mis = v.u16();
        int tsn = v.i32();
        return new InitFields(tag, rwnd, os, mis, tsn, List.copyOf(Parameters.parseAll(v)));
    }

    void writeTo(ByteWriter w) {
        w.u32(initiateTag).u32(aRwnd).u16(outboundStreams).u16(inboundStreams).u32(initialTsn);
        Parameters.writeAll(w, parameters);
    }

    /** Whether the sender lists {@code chunkType} in Supported Extensions. */
    public boolean supports(int chunkType) {
        for (Parameter p : parameters) {
            if (p instanceof SupportedExtensionsParameter && ((SupportedExtensionsParameter) p).supports(chunkType)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 3758: Forward-TSN-Supported, or FORWARD-TSN in Supported Extensions. */
    public boolean forwardTsnSupported() {
        for (Parameter p : parameters) {
            if (p instanceof ForwardTsnSupportedParameter) {
                return true;
            }
        }
        return supports(ChunkType.FORWARD_TSN);
    }
}
