package io.sluice.peer.wire;

import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked big-endian reader over a slice of a byte array. Every read checks the
 * remaining length first and throws {@link MalformedPacketException} instead of running past the
 * end; nothing here can throw an unchecked exception on any input.
 */
public final class ByteReader {

    private final byte[] data;
    private final int start;
    private final int end;
    private int pos;

    public ByteReader(byte[] data) {
        this(data, 0, data.length);
    }

    public ByteReader(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IllegalArgumentException("slice out of range: " + offset + "+" + length + " of " + data.length);
        }
        this.data = data;
        this.start = offset;
        this.end = offset + length;
        this.pos = offset;
    }

    /** Position relative to the start of this reader's slice. */
    public int position() {
        return pos - start;
    }

    public int remaining() {
        return end - pos;
    }

    public boolean hasRemaining() {
        return pos < end;
    }

    /** The underlying array (shared, not copied) and the absolute index of the next byte. */
    public byte[] array() {
        return data;
    }

    public int arrayOffset() {
        return pos;
    }

    private void need(int n, String what) throws MalformedPacketException {
        if (n < 0 || end - pos < n) {
            throw new MalformedPacketException(what + ": need " + n + " bytes, have " + (end - pos), pos - start);
        }
    }

    public int u8() throws MalformedPacketException {
        need(1, "u8");
        return data[pos++] & 0xff;
    }

    public int u16() throws MalformedPacketException {
        need(2, "u16");
        int v = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    public int u24() throws MalformedPacketException {
        need(3, "u24");
        int v = ((data[pos] & 0xff) << 16) | ((data[pos + 1] & 0xff) << 8) | (data[pos + 2] & 0xff);
        pos += 3;
        return v;
    }

    /** An unsigned 32-bit value as a long. */
    public long u32() throws MalformedPacketException {
        return i32() & 0xffffffffL;
    }

    public int i32() throws MalformedPacketException {
        need(4, "u32");
        int v = ((data[pos] & 0xff) << 24) | ((data[pos + 1] & 0xff) << 16)
                | ((data[pos + 2] & 0xff) << 8) | (data[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    public long i64() throws MalformedPacketException {
        need(8, "u64");
        long hi = i32() & 0xffffffffL;
        long lo = i32() & 0xffffffffL;
        return (hi << 32) | lo;
    }

    public byte[] bytes(int n) throws MalformedPacketException {
        need(n, "bytes");
        byte[] out = new byte[n];
        System.arraycopy(data, pos, out, 0, n);
        pos += n;
        return out;
    }

    public String utf8(int n) throws MalformedPacketException {
        need(n, "string");
        String s = new String(data, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    public void skip(int n) throws MalformedPacketException {
        need(n, "skip");
        pos += n;
    }

    /** A reader over the next {@code n} bytes; this reader moves past them. */
    public ByteReader slice(int n) throws MalformedPacketException {
        need(n, "slice");
        ByteReader r = new ByteReader(data, pos, n);
        pos += n;
        return r;
    }

    /** Peeks the byte at {@code ahead} bytes from the current position without moving. */
    public int peekU8(int ahead) throws MalformedPacketException {
        if (ahead < 0 || end - pos <= ahead) {
            throw new MalformedPacketException("peek past end", pos - start);
        }
        return data[pos + ahead] & 0xff;
    }
}
