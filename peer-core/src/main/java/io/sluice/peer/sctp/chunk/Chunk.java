package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteWriter;

/**
 * One SCTP chunk (RFC 9260 §3.2). Every chunk class has a {@code static parse(int flags, ByteReader value)}
 * over the chunk value (the header already read by {@link Chunks#parse}) and writes itself, header and
 * padding included, with {@link #writeTo}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Chunk Type  | Chunk  Flags  |        Chunk Length           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                          Chunk Value                          /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public interface Chunk {

    int type();

    /** The chunk length field: header and value, without padding. */
    int length();

    /** Header, value and zero padding to a multiple of 4. */
    void writeTo(ByteWriter w);

    /** {@link #length()} rounded up to a multiple of 4: what the chunk takes in a packet. */
    default int paddedLength() {
        return (length() + 3) & ~3;
    }
}
