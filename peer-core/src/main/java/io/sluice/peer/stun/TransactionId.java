package io.sluice.peer.stun;

import io.sluice.peer.time.RandomSource;
import java.util.Arrays;
import java.util.HexFormat;

/** The 96-bit STUN transaction id, as a value usable as a map key. */
public final class TransactionId {

    public static final int LENGTH = 12;

    private final byte[] bytes;

    private TransactionId(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Copies 12 bytes into a new id. */
    public static TransactionId of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("transaction id must be 12 bytes, got " + bytes.length);
        }
        return new TransactionId(bytes.clone());
    }

    static TransactionId wrap(byte[] bytes) {
        return new TransactionId(bytes);
    }

    public static TransactionId random(RandomSource random) {
        byte[] b = new byte[LENGTH];
        random.nextBytes(b);
        return new TransactionId(b);
    }

    /** A copy of the 12 bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    byte[] raw() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransactionId && Arrays.equals(bytes, ((TransactionId) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
