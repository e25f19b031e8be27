package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.util.ArrayList;
import java.util.List;

/** Parsing and writing of parameter lists. */
public final class Parameters {

    private Parameters() {
    }

    /** Parses one parameter, padding included (the padding must be present). */
    public static Parameter parse(ByteReader r) throws MalformedPacketException {
        int start = r.position();
        int type = r.u16();
        int length = r.u16();
        if (length < 4) {
            throw new MalformedPacketException("parameter length " + length + " below 4", start);
        }
        ByteReader v = r.slice(length - 4);
        // RFC 9260 §3.2: the chunk length leaves out the last parameter's padding (the chunk's own covers it).
        r.skip(Math.min(Chunks.padding(length), r.remaining()));
        switch (type) {
            case Parameter.HEARTBEAT_INFO: return HeartbeatInfoParameter.parse(v);
            case Parameter.STATE_COOKIE: return StateCookieParameter.parse(v);
            case Parameter.SUPPORTED_EXTENSIONS: return SupportedExtensionsParameter.parse(v);
            case Parameter.FORWARD_TSN_SUPPORTED: return ForwardTsnSupportedParameter.parse(v);
            case Parameter.OUTGOING_SSN_RESET_REQUEST: return OutgoingSsnResetRequestParameter.parse(v);
            case Parameter.INCOMING_SSN_RESET_REQUEST: return IncomingSsnResetRequestParameter.parse(v);
            case Parameter.RECONFIGURATION_RESPONSE: return ReconfigurationResponseParameter.parse(v);
            default: return UnknownParameter.parse(type, v);
        }
    }

    /** Parses parameters until the reader is empty. */
    public static List<Parameter> parseAll(ByteReader r) throws MalformedPacketException {
        List<Parameter> out = new ArrayList<>(4);
        while (r.hasRemaining()) {
            if (out.size() >= 64) {
                throw new MalformedPacketException("more than 64 parameters", r.position());
            }
            out.add(parse(r));
        }
        return out;
    }

    /** Bytes of the list as counted in a chunk length: every parameter padded but the last. */
    public static int length(List<Parameter> params) {
        int n = 0;
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            n += i == params.size() - 1 ? p.length() : p.paddedLength();
        }
        return n;
    }

    /** Writes every parameter padded: with the last one's padding this is also the chunk's padding. */
    public static void writeAll(ByteWriter w, List<Parameter> params) {
        for (Parameter p : params) {
            p.writeTo(w);
        }
    }

    static void header(ByteWriter w, int type, int length) {
        w.u16(type).u16(length);
    }
}
