package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/** State Cookie (RFC 9260 §3.3.3.1, type 7), in INIT-ACK: echoed verbatim in COOKIE-ECHO. */
public record StateCookieParameter(byte[] cookie) implements Parameter {

    public static StateCookieParameter parse(ByteReader v) throws MalformedPacketException {
        return new StateCookieParameter(v.bytes(v.remaining()));
    }

    @Override
    public int type() {
        return STATE_COOKIE;
    }

    @Override
    public int length() {
        return 4 + cookie.length;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Parameters.header(w, STATE_COOKIE, length());
        w.bytes(cookie);
        Chunks.pad(w, length());
    }
}
