package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * An SCTP packet (RFC 9260 §3.1): the common header and one or more chunks.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Source Port Number        |     Destination Port Number   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Verification Tag                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           Checksum                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The checksum is CRC32c (RFC 9260 Appendix A) over the packet with the checksum field zero, stored
 * little-endian (the byte order of the reflected CRC register).
 */
public record SctpPacket(int sourcePort, int destinationPort, int verificationTag, List<Chunk> chunks) {

    public static final int HEADER_LENGTH = 12;
    /** A packet of more chunks is refused rather than processed (a cheap bound on work per packet). */
    public static final int MAX_CHUNKS = 256;

    /** Parses and checks the checksum. */
    public static SctpPacket parse(byte[] data, int offset, int length) throws MalformedPacketException {
        return parse(data, offset, length, true);
    }

    public static SctpPacket parse(byte[] data, int offset, int length, boolean verifyChecksum)
            throws MalformedPacketException {
        ByteReader r = new ByteReader(data, offset, length);
        int src = r.u16();
        int dst = r.u16();
        int tag = r.i32();
        r.skip(4);
        if (!r.hasRemaining()) {
            throw new MalformedPacketException("packet without chunks", HEADER_LENGTH);
        }
        if (verifyChecksum) {
            int expected = checksum(data, offset, length);
            int actual = (data[offset + 8] & 0xff) | (data[offset + 9] & 0xff) << 8
                    | (data[offset + 10] & 0xff) << 16 | (data[offset + 11] & 0xff) << 24;
            if (expected != actual) {
                throw new MalformedPacketException("bad CRC32c", 8);
            }
        }
        List<Chunk> chunks = new ArrayList<>(2);
        while (r.hasRemaining()) {
            if (chunks.size() >= MAX_CHUNKS) {
                throw new MalformedPacketException("more than " + MAX_CHUNKS + " chunks", r.position());
            }
            chunks.add(Chunks.parse(r));
        }
        return new SctpPacket(src, dst, tag, chunks);
    }

    /** CRC32c over the packet, its checksum field taken as zero. */
    public static int checksum(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, 8);
        crc.update(ZEROS, 0, 4);
        crc.update(data, offset + 12, length - 12);
        return (int) crc.getValue();
    }

    private static final byte[] ZEROS = new byte[4];

    /** Writes the common header with a zero checksum; {@link #finish} fills it in. */
    public static void writeHeader(ByteWriter w, int sourcePort, int destinationPort, int verificationTag) {
        w.u16(sourcePort).u16(destinationPort).u32(verificationTag).u32(0);
    }

    /** Computes and stores the checksum of a packet written from {@code start} to the writer's position. */
    public static void finish(ByteWriter w, int start) {
        byte[] b = w.array();
        int len = w.position() - start;
        int crc = checksum(b, start, len);
        b[start + 8] = (byte) crc;
        b[start + 9] = (byte) (crc >>> 8);
        b[start + 10] = (byte) (crc >>> 16);
        b[start + 11] = (byte) (crc >>> 24);
    }

    public byte[] encode() {
        ByteWriter w = new ByteWriter(256);
        writeHeader(w, sourcePort, destinationPort, verificationTag);
        for (Chunk c : chunks) {
            c.writeTo(w);
        }
        finish(w, 0);
        return w.toByteArray();
    }
}
