package io.sluice.peer.dtls;

/**
 * The 13-byte DTLS 1.0/1.2 record header (RFC 6347 §4.1), peeked without trusting the input:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ContentType  |    ProtocolVersion (major, minor) |   epoch   ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ... epoch       |            sequence_number (48 bits)          ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ...             |            length             |  fragment ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Used to drop junk before it reaches the TLS engine: {@link #check} accepts a datagram only when
 * it is one or more complete records, each with a known content type, a DTLS version and a
 * non-empty fragment that fits. Nothing here throws on any input.
 *
 * @param contentType 20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data,
 *                    24 heartbeat, 25 tls12_cid
 * @param version     the wire version, 0xfeff for DTLS 1.0 and 0xfefd for DTLS 1.2
 * @param epoch       the epoch, 16 bits
 * @param sequence    the sequence number, 48 bits
 * @param length      the length of the fragment that follows the header
 */
public record DtlsRecordHeader(int contentType, int version, int epoch, long sequence, int length) {

    public static final int LENGTH = 13;

    public static final int CHANGE_CIPHER_SPEC = 20;
    public static final int ALERT = 21;
    public static final int HANDSHAKE = 22;
    public static final int APPLICATION_DATA = 23;
    public static final int HEARTBEAT = 24;
    public static final int TLS12_CID = 25;

    /** The largest fragment a DTLS 1.2 record may carry: 2^14 plus 2048 of expansion (RFC 5246 §6.2.3). */
    public static final int MAX_FRAGMENT = (1 << 14) + 2048;

    /** Why a datagram was refused; stable names for use as metric tags. */
    public enum Verdict {
        OK,
        EMPTY,
        TRUNCATED_HEADER,
        BAD_CONTENT_TYPE,
        BAD_VERSION,
        EMPTY_FRAGMENT,
        FRAGMENT_TOO_LONG,
        TRUNCATED_FRAGMENT,
        /** A protected record (epoch above 0) too short to hold the cipher's nonce and tag. */
        SHORT_CIPHERTEXT
    }

    /** True when the first byte is in the RFC 7983 DTLS range (20..63). */
    public static boolean isDtls(byte firstByte) {
        int b = firstByte & 0xff;
        return b >= 20 && b <= 63;
    }

    /** The header at {@code offset}, or null if fewer than 13 bytes are there (or the slice is invalid). */
    public static DtlsRecordHeader peek(byte[] data, int offset, int length) {
        if (data == null || offset < 0 || length < LENGTH || offset > data.length - length) {
            return null;
        }
        int type = data[offset] & 0xff;
        int version = ((data[offset + 1] & 0xff) << 8) | (data[offset + 2] & 0xff);
        int epoch = ((data[offset + 3] & 0xff) << 8) | (data[offset + 4] & 0xff);
        long seq = 0;
        for (int i = 5; i < 11; i++) {
            seq = (seq << 8) | (data[offset + i] & 0xff);
        }
        int len = ((data[offset + 11] & 0xff) << 8) | (data[offset + 12] & 0xff);
        return new DtlsRecordHeader(type, version, epoch, seq, len);
    }

    /** True for DTLS 1.0 (0xfeff) and DTLS 1.2 (0xfefd). */
    public boolean isDtlsVersion() {
        return version == 0xfeff || version == 0xfefd;
    }

    /**
     * Checks that {@code data[offset, offset+length)} is a sequence of plausible DTLS records with
     * nothing after the last one. Allocation-free; never throws.
     */
    public static Verdict check(byte[] data, int offset, int length) {
        return check(data, offset, length, 1);
    }

    /**
     * As {@link #check(byte[], int, int)}, also refusing records of epoch 1 and above whose
     * fragment is shorter than {@code minProtectedLength} (the record expansion of the cipher:
     * 24 bytes for AES-GCM, 16 for ChaCha20-Poly1305). The TLS engine treats such a record as a
     * fatal decode_error, so one forged datagram could otherwise end a connection.
     */
    public static Verdict check(byte[] data, int offset, int length, int minProtectedLength) {
        if (data == null || length <= 0 || offset < 0 || offset > data.length - length) {
            return Verdict.EMPTY;
        }
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            if (end - pos < LENGTH) {
                return Verdict.TRUNCATED_HEADER;
            }
            int type = data[pos] & 0xff;
            if (type < CHANGE_CIPHER_SPEC || type > TLS12_CID) {
                return Verdict.BAD_CONTENT_TYPE;
            }
            int major = data[pos + 1] & 0xff;
            int minor = data[pos + 2] & 0xff;
            if (major != 0xfe || (minor != 0xff && minor != 0xfd)) {
                return Verdict.BAD_VERSION;
            }
            int len = ((data[pos + 11] & 0xff) << 8) | (data[pos + 12] & 0xff);
            if (len == 0) {
                return Verdict.EMPTY_FRAGMENT;
            }
            if (len > MAX_FRAGMENT) {
                return Verdict.FRAGMENT_TOO_LONG;
            }
            if (end - pos - LENGTH < len) {
                return Verdict.TRUNCATED_FRAGMENT;
            }
            if (len < minProtectedLength && (data[pos + 3] != 0 || data[pos + 4] != 0)) {
                return Verdict.SHORT_CIPHERTEXT;
            }
            pos += LENGTH + len;
        }
        return Verdict.OK;
    }
}
