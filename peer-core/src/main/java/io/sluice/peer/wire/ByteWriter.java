package io.sluice.peer.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable big-endian byte writer. Writers produce our own output, so they never see untrusted input. */
public final class ByteWriter {

    private byte[] buf;
    private int pos;

    public ByteWriter() {
        this(256);
    }

    public ByteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int n) {
        if (buf.length - pos < n) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    public int position() {
        return pos;
    }

    public ByteWriter u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    public ByteWriter u16(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public ByteWriter u24(int v) {
        ensure(3);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public ByteWriter u32(long v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public ByteWriter i64(long v) {
        u32(v >>> 32);
        return u32(v);
    }

    public ByteWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public ByteWriter bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
        return this;
    }

    public ByteWriter utf8(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public ByteWriter zeros(int n) {
        ensure(n);
        Arrays.fill(buf, pos, pos + n, (byte) 0);
        pos += n;
        return this;
    }

    /** Overwrites a 16-bit value at an absolute position already written (length fields). */
    public ByteWriter setU16(int at, int v) {
        if (at < 0 || at + 2 > pos) {
            throw new IndexOutOfBoundsException("setU16 at " + at + " of " + pos);
        }
        buf[at] = (byte) (v >>> 8);
        buf[at + 1] = (byte) v;
        return this;
    }

    /** Overwrites a 32-bit value at an absolute position already written. */
    public ByteWriter setU32(int at, long v) {
        if (at < 0 || at + 4 > pos) {
            throw new IndexOutOfBoundsException("setU32 at " + at + " of " + pos);
        }
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
        return this;
    }

    /** The internal buffer (valid up to {@link #position()}), for in-place checksums. */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }
}
