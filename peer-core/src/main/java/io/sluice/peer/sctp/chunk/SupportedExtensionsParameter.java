package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/** Supported Extensions (RFC 5061 §4.2.7, type 0x8008): one byte per chunk type the sender supports. */
public record SupportedExtensionsParameter(int[] chunkTypes) implements Parameter {

    public static SupportedExtensionsParameter parse(ByteReader v) throws MalformedPacketException {
        int[] types = new int[v.remaining()];
        for (int i = 0; i < types.length; i++) {
            types[i] = v.u8();
        }
        return new SupportedExtensionsParameter(types);
    }

    public boolean supports(int chunkType) {
        for (int t : chunkTypes) {
            if (t == chunkType) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int type() {
        return SUPPORTED_EXTENSIONS;
    }

    @Override
    public int length() {
        return 4 + chunkTypes.length;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Parameters.header(w, SUPPORTED_EXTENSIONS, length());
        for (int t : chunkTypes) {
            w.u8(t);
        }
        Chunks.pad(w, length());
    }
}
