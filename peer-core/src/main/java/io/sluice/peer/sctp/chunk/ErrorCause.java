package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An error cause of ERROR and ABORT (RFC 9260 §3.3.10): a code and its cause-specific bytes.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Cause Code          |       Cause Length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                    Cause-Specific Information                 /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ErrorCause(int code, byte[] info) {

    public static final int INVALID_STREAM_IDENTIFIER = 1;
    public static final int MISSING_MANDATORY_PARAMETER = 2;
    public static final int STALE_COOKIE = 3;
    public static final int OUT_OF_RESOURCE = 4;
    public static final int UNRESOLVABLE_ADDRESS = 5;
    public static final int UNRECOGNIZED_CHUNK_TYPE = 6;
    public static final int INVALID_MANDATORY_PARAMETER = 7;
    public static final int UNRECOGNIZED_PARAMETERS = 8;
    public static final int NO_USER_DATA = 9;
    public static final int COOKIE_RECEIVED_WHILE_SHUTTING_DOWN = 10;
    public static final int RESTART_WITH_NEW_ADDRESSES = 11;
    public static final int USER_INITIATED_ABORT = 12;
    public static final int PROTOCOL_VIOLATION = 13;

    public static ErrorCause userInitiatedAbort(String reason) {
        return new ErrorCause(USER_INITIATED_ABORT, reason.getBytes(StandardCharsets.UTF_8));
    }

    public static ErrorCause protocolViolation(String reason) {
        return new ErrorCause(PROTOCOL_VIOLATION, reason.getBytes(StandardCharsets.UTF_8));
    }

    /** Unrecognized Chunk Type: the offending chunk, as received (header included). */
    public static ErrorCause unrecognizedChunk(byte[] chunk) {
        return new ErrorCause(UNRECOGNIZED_CHUNK_TYPE, chunk);
    }

    public static ErrorCause parse(ByteReader r) throws MalformedPacketException {
        int start = r.position();
        int code = r.u16();
        int length = r.u16();
        if (length < 4) {
            throw new MalformedPacketException("error cause length " + length + " below 4", start);
        }
        byte[] info = r.bytes(length - 4);
        // The last cause may leave its padding to the chunk's padding.
        int pad = Chunks.padding(length);
        r.skip(Math.min(pad, r.remaining()));
        return new ErrorCause(code, info);
    }

    static List<ErrorCause> parseAll(ByteReader v) throws MalformedPacketException {
        List<ErrorCause> out = new ArrayList<>(1);
        while (v.hasRemaining()) {
            if (out.size() >= 32) {
                throw new MalformedPacketException("more than 32 error causes", v.position());
            }
            out.add(parse(v));
        }
        return out;
    }

    /** The cause without its final padding. */
    public int length() {
        return 4 + info.length;
    }

    static int length(List<ErrorCause> causes) {
        int n = 0;
        for (int i = 0; i < causes.size(); i++) {
            int l = causes.get(i).length();
            n += i == causes.size() - 1 ? l : (l + 3) & ~3;
        }
        return n;
    }

    static void writeAll(ByteWriter w, List<ErrorCause> causes) {
        for (int i = 0; i < causes.size(); i++) {
            ErrorCause c = causes.get(i);
            w.u16(c.code).u16(c.length()).bytes(c.info);
            if (i < causes.size() - 1) {
                Chunks.pad(w, c.length());
            }
        }
    }

    public String describe() {
        String name;
        switch (code) {
            case INVALID_STREAM_IDENTIFIER: name = "invalid stream identifier"; break;
            case MISSING_MANDATORY_PARAMETER: name = "missing mandatory parameter"; break;
            case STALE_COOKIE: name = "stale cookie"; break;
            case OUT_OF_RESOURCE: name = "out of resource"; break;
            case UNRECOGNIZED_CHUNK_TYPE: name = "unrecognized chunk type"; break;
            case INVALID_MANDATORY_PARAMETER: name = "invalid mandatory parameter"; break;
            case UNRECOGNIZED_PARAMETERS: name = "unrecognized parameters"; break;
            case NO_USER_DATA: name = "no user data"; break;
            case USER_INITIATED_ABORT: name = "user initiated abort"; break;
            case PROTOCOL_VIOLATION: name = "protocol violation"; break;
            default: name = "cause " + code;
        }
        if ((code == USER_INITIATED_ABORT || code == PROTOCOL_VIOLATION) && info.length > 0) {
            return name + ": " + new String(info, StandardCharsets.UTF_8);
        }
        return name;
    }
}
