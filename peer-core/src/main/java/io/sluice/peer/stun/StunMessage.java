package io.sluice.peer.stun;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A STUN message (RFC 8489 §5): a 20-byte header and attributes in wire order.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                     Transaction ID (96 bits)                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  Message type: M11..M7 C1 M6..M4 C0 M3..M0
 * </pre>
 *
 * A parsed message keeps a copy of the exact bytes it came from, so that MESSAGE-INTEGRITY,
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are verified over what was received. Attributes after
 * MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are ignored, as RFC 8489
 * §14.5 asks; anything after FINGERPRINT makes the message malformed.
 *
 * <p>Instances are immutable.
 */
public final class StunMessage {

    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER_LENGTH = 20;
    public static final int BINDING = 0x001;
    /** Bound on the number of attributes of a message we accept. */
    public static final int MAX_ATTRIBUTES = 64;

    private static final long FINGERPRINT_XOR = 0x5354554EL;

    private final int method;
    private final StunClass messageClass;
    private final TransactionId transactionId;
    private final List<StunAttribute> attributes;
    private final List<Integer> unknownComprehensionRequired;
    // Only for parsed messages: the received bytes and where the checked attributes start in them.
    private final byte[] raw;
    private final int integrityOffset;
    private final int integritySha256Offset;
    private final int fingerprintOffset;

    private StunMessage(int method, StunClass messageClass, TransactionId transactionId,
            List<StunAttribute> attributes, List<Integer> unknownComprehensionRequired, byte[] raw,
            int integrityOffset, int integritySha256Offset, int fingerprintOffset) {
        this.method = method;
        this.messageClass = messageClass;
        this.transactionId = transactionId;
        this.attributes = attributes;
        this.unknownComprehensionRequired = unknownComprehensionRequired;
        this.raw = raw;
        this.integrityOffset = integrityOffset;
        this.integritySha256Offset = integritySha256Offset;
        this.fingerprintOffset = fingerprintOffset;
    }

    public static Builder builder(int method, StunClass messageClass, TransactionId transactionId) {
        return new Builder(method, messageClass, transactionId);
    }

    /**
     * True when the bytes can be a STUN message: at least a header, the first two bits zero, the
     * magic cookie in place (RFC 8489 §6, RFC 7983 demultiplexing).
     */
    public static boolean looksLikeStun(byte[] data, int off, int len) {
        if (data == null || off < 0 || len < HEADER_LENGTH || off > data.length - len) {
            return false;
        }
        if ((data[off] & 0xC0) != 0) {
            return false;
        }
        int cookie = ((data[off + 4] & 0xff) << 24) | ((data[off + 5] & 0xff) << 16)
                | ((data[off + 6] & 0xff) << 8) | (data[off + 7] & 0xff);
        return cookie == MAGIC_COOKIE;
    }

    /**
     * Parses one datagram's worth of STUN. The message length in the header must account for
     * exactly {@code len - 20} bytes. Throws {@link MalformedPacketException}, and nothing else,
     * on any bad input.
     */
    public static StunMessage parse(byte[] data, int off, int len) throws MalformedPacketException {
        if (data == null || off < 0 || len < 0 || off > data.length - len) {
            throw new MalformedPacketException("slice out of range", 0);
        }
        if (len < HEADER_LENGTH) {
            throw new MalformedPacketException("truncated header", len);
        }
        ByteReader r = new ByteReader(data, off, len);
        int type = r.u16();
        if ((type & 0xC000) != 0) {
            throw new MalformedPacketException("first two bits not zero", 0);
        }
        int length = r.u16();
        if ((length & 3) != 0) {
            throw new MalformedPacketException("length not a multiple of 4", 2);
        }
        if (r.i32() != MAGIC_COOKIE) {
            throw new MalformedPacketException("bad magic cookie", 4);
        }
        if (length > len - HEADER_LENGTH) {
            throw new MalformedPacketException("length beyond datagram", 2);
        }
        if (length < len - HEADER_LENGTH) {
            throw new MalformedPacketException("bytes after message", HEADER_LENGTH + length);
        }
        TransactionId txId = TransactionId.wrap(r.bytes(TransactionId.LENGTH));
        int method = (type & 0x000F) | ((type & 0x00E0) >>> 1) | ((type & 0x3E00) >>> 2);
        StunClass cls = StunClass.ofBits(((type >>> 4) & 1) | ((type >>> 7) & 2));

        List<StunAttribute> attrs = new ArrayList<>();
        List<Integer> unknownRequired = new ArrayList<>(0);
        int integrity = -1;
        int integritySha256 = -1;
        int fingerprint = -1;
        int count = 0;
        while (r.hasRemaining()) {
            int at = r.position();
            if (++count > MAX_ATTRIBUTES) {
                throw new MalformedPacketException("too many attributes", at);
            }
            if (fingerprint >= 0) {
                throw new MalformedPacketException("attribute after FINGERPRINT", at);
            }
            if (r.remaining() < 4) {
                throw new MalformedPacketException("truncated attribute header", at);
            }
            int atype = r.u16();
            int alen = r.u16();
            int padded = (alen + 3) & ~3;
            if (padded > r.remaining()) {
                throw new MalformedPacketException("attribute overruns message", at);
            }
            ByteReader value = r.slice(alen);
            r.skip(padded - alen);
            boolean afterIntegrity = integrity >= 0 || integritySha256 >= 0;
            if (afterIntegrity) {
                boolean allowed = atype == StunAttribute.FINGERPRINT
                        || (atype == StunAttribute.MESSAGE_INTEGRITY_SHA256 && integritySha256 < 0);
                if (!allowed) {
                    continue; // ignored per RFC 8489 §14.5/§14.6
                }
            }
            StunAttribute a = StunAttribute.decode(atype, value, txId);
            switch (atype) {
                case StunAttribute.MESSAGE_INTEGRITY:
                    integrity = at;
                    break;
                case StunAttribute.MESSAGE_INTEGRITY_SHA256:
                    integritySha256 = at;
                    break;
                case StunAttribute.FINGERPRINT:
                    fingerprint = at;
                    break;
                default:
                    if (a instanceof StunAttribute.Raw && StunAttribute.isComprehensionRequired(atype)) {
                        unknownRequired.add(atype);
                    }
                    break;
            }
            attrs.add(a);
        }
        byte[] copy = Arrays.copyOfRange(data, off, off + len);
        return new StunMessage(method, cls, txId, Collections.unmodifiableList(attrs),
                Collections.unmodifiableList(unknownRequired), copy, integrity, integritySha256, fingerprint);
    }

    public int method() {
        return method;
    }

    public StunClass messageClass() {
        return messageClass;
    }

    public boolean isRequest() {
        return messageClass == StunClass.REQUEST;
    }

    public boolean isResponse() {
        return messageClass.isResponse();
    }

    public TransactionId transactionId() {
        return transactionId;
    }

    /** The attributes in wire order (for parsed messages: those processed, see the class doc). */
    public List<StunAttribute> attributes() {
        return attributes;
    }

    /** Comprehension-required attribute types (below 0x8000) this codec does not know. */
    public List<Integer> unknownComprehensionRequired() {
        return unknownComprehensionRequired;
    }

    /** The first attribute of the given kind, or null. */
    public <T extends StunAttribute> T attribute(Class<T> kind) {
        for (StunAttribute a : attributes) {
            if (kind.isInstance(a)) {
                return kind.cast(a);
            }
        }
        return null;
    }

    public boolean has(Class<? extends StunAttribute> kind) {
        return attribute(kind) != null;
    }

    /** The USERNAME value, or null. */
    public String username() {
        StunAttribute.Username u = attribute(StunAttribute.Username.class);
        return u == null ? null : u.value();
    }

    /** True when the message carried a FINGERPRINT (parsed messages only). */
    public boolean hasFingerprint() {
        return fingerprintOffset >= 0;
    }

    public boolean hasIntegrity() {
        return integrityOffset >= 0;
    }

    /**
     * Checks MESSAGE-INTEGRITY (HMAC-SHA1) over the bytes as received, with the header length
     * adjusted to end at the MESSAGE-INTEGRITY attribute (RFC 8489 §14.5). False when absent or
     * when this message was built rather than parsed.
     */
    public boolean verifyIntegrity(byte[] key) {
        if (raw == null || integrityOffset < 0 || key == null) {
            return false;
        }
        byte[] expected = hmac("HmacSHA1", key, raw, integrityOffset, integrityOffset - HEADER_LENGTH + 24);
        return MessageDigest.isEqual(Arrays.copyOf(expected, 20),
                Arrays.copyOfRange(raw, integrityOffset + 4, integrityOffset + 24));
    }

    /** Checks MESSAGE-INTEGRITY-SHA256 (possibly truncated) as {@link #verifyIntegrity} does. */
    public boolean verifyIntegritySha256(byte[] key) {
        if (raw == null || integritySha256Offset < 0 || key == null) {
            return false;
        }
        int hlen = ((raw[integritySha256Offset + 2] & 0xff) << 8) | (raw[integritySha256Offset + 3] & 0xff);
        byte[] expected = hmac("HmacSHA256", key, raw, integritySha256Offset,
                integritySha256Offset - HEADER_LENGTH + 4 + hlen);
        return MessageDigest.isEqual(Arrays.copyOf(expected, hlen),
                Arrays.copyOfRange(raw, integritySha256Offset + 4, integritySha256Offset + 4 + hlen));
    }

    /** Checks FINGERPRINT over the bytes as received; false when absent or built. */
    public boolean verifyFingerprint() {
        if (raw == null || fingerprintOffset < 0) {
            return false;
        }
        long expected = crc(raw, fingerprintOffset) ^ FINGERPRINT_XOR;
        int p = fingerprintOffset + 4;
        long got = ((raw[p] & 0xffL) << 24) | ((raw[p + 1] & 0xffL) << 16) | ((raw[p + 2] & 0xffL) << 8)
                | (raw[p + 3] & 0xffL);
        return expected == got;
    }

    /** The short-term credential key (RFC 8489 §9.1.1): the password's UTF-8 bytes. */
    public static byte[] shortTermKey(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }

    /** The long-term credential key (RFC 8489 §9.2.2): MD5(username ":" realm ":" password). */
    public static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5")
                    .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    /** Encodes every attribute as held, integrity and fingerprint values included verbatim. */
    public byte[] encode() {
        return write(null, Integrity.NONE, false, (byte) 0, true);
    }

    /**
     * Encodes the attributes other than MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT, then appends a
     * freshly computed MESSAGE-INTEGRITY when {@code integrityKey} is not null and a FINGERPRINT
     * when asked.
     */
    public byte[] encode(byte[] integrityKey, boolean fingerprint) {
        return write(integrityKey, integrityKey == null ? Integrity.NONE : Integrity.SHA1, fingerprint, (byte) 0,
                false);
    }

    /** As {@link #encode(byte[], boolean)} with a full 32-byte MESSAGE-INTEGRITY-SHA256 instead. */
    public byte[] encodeSha256(byte[] integrityKey, boolean fingerprint) {
        return write(integrityKey, Integrity.SHA256, fingerprint, (byte) 0, false);
    }

    /** For the RFC 5769 vectors, whose padding is spaces: padding bytes may be anything (§14). */
    byte[] encode(byte[] integrityKey, boolean fingerprint, byte paddingByte) {
        return write(integrityKey, integrityKey == null ? Integrity.NONE : Integrity.SHA1, fingerprint, paddingByte,
                false);
    }

    private enum Integrity { NONE, SHA1, SHA256 }

    private byte[] write(byte[] key, Integrity integrity, boolean fingerprint, byte pad, boolean verbatim) {
        ByteWriter w = new ByteWriter(128);
        int type = (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                | ((messageClass.bits() & 1) << 4) | ((messageClass.bits() & 2) << 7);
        w.u16(type).u16(0).u32(MAGIC_COOKIE & 0xffffffffL).bytes(transactionId.raw());
        for (StunAttribute a : attributes) {
            int t = a.type();
            if (!verbatim && (t == StunAttribute.MESSAGE_INTEGRITY || t == StunAttribute.MESSAGE_INTEGRITY_SHA256
                    || t == StunAttribute.FINGERPRINT)) {
                continue;
            }
            writeAttribute(w, a, pad);
        }
        if (integrity != Integrity.NONE) {
            Objects.requireNonNull(key, "integrity key");
            int hlen = integrity == Integrity.SHA1 ? 20 : 32;
            int at = w.position();
            w.setU16(2, at - HEADER_LENGTH + 4 + hlen);
            byte[] mac = hmac(integrity == Integrity.SHA1 ? "HmacSHA1" : "HmacSHA256", key, w.array(), at, -1);
            w.u16(integrity == Integrity.SHA1 ? StunAttribute.MESSAGE_INTEGRITY
                    : StunAttribute.MESSAGE_INTEGRITY_SHA256).u16(hlen).bytes(mac, 0, hlen);
        }
        if (fingerprint) {
            int at = w.position();
            w.setU16(2, at - HEADER_LENGTH + 8);
            long crc = crc(w.array(), at) ^ FINGERPRINT_XOR;
            w.u16(StunAttribute.FINGERPRINT).u16(4).u32(crc);
        }
        w.setU16(2, w.position() - HEADER_LENGTH);
        return w.toByteArray();
    }

    private void writeAttribute(ByteWriter w, StunAttribute a, byte pad) {
        int len = a.valueLength();
        w.u16(a.type()).u16(len);
        int start = w.position();
        a.writeValue(w, transactionId);
        if (w.position() - start != len) {
            throw new IllegalStateException("attribute " + a.type() + " wrote " + (w.position() - start)
                    + " bytes, declared " + len);
        }
        for (int i = len; (i & 3) != 0; i++) {
            w.u8(pad);
        }
    }

    /**
     * HMAC over {@code data[0..end)}; when {@code lengthField >= 0} the header's length field is
     * replaced by it first (on a copy of the header).
     */
    private static byte[] hmac(String alg, byte[] key, byte[] data, int end, int lengthField) {
        try {
            Mac mac = Mac.getInstance(alg);
            // HMAC pads keys with zeros, so an empty key (which SecretKeySpec refuses) equals one zero byte.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, alg));
            if (lengthField >= 0) {
                byte[] header = Arrays.copyOf(data, HEADER_LENGTH);
                header[2] = (byte) (lengthField >>> 8);
                header[3] = (byte) lengthField;
                mac.update(header);
                mac.update(data, HEADER_LENGTH, end - HEADER_LENGTH);
            } else {
                mac.update(data, 0, end);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg + " unavailable", e);
        }
    }

    private static long crc(byte[] data, int end) {
        CRC32 c = new CRC32();
        c.update(data, 0, end);
        return c.getValue();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StunMessage)) {
            return false;
        }
        StunMessage m = (StunMessage) o;
        return method == m.method && messageClass == m.messageClass && transactionId.equals(m.transactionId)
                && attributes.equals(m.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, messageClass, transactionId, attributes);
    }

    @Override
    public String toString() {
        return "StunMessage[method=0x" + Integer.toHexString(method) + ", " + messageClass + ", tx="
                + transactionId + ", " + attributes + "]";
    }

    /** Builds a message; attributes keep the order they are added in. */
    public static final class Builder {
        private final int method;
        private final StunClass messageClass;
        private final TransactionId transactionId;
        private final List<StunAttribute> attributes = new ArrayList<>();

        private Builder(int method, StunClass messageClass, TransactionId transactionId) {
            if (method < 0 || method > 0xFFF) {
                throw new IllegalArgumentException("method is 12 bits: " + method);
            }
            this.method = method;
            this.messageClass = Objects.requireNonNull(messageClass);
            this.transactionId = Objects.requireNonNull(transactionId);
        }

        public Builder add(StunAttribute attribute) {
            attributes.add(Objects.requireNonNull(attribute));
            return this;
        }

        public StunMessage build() {
            return new StunMessage(method, messageClass, transactionId, List.copyOf(attributes), List.of(), null,
                    -1, -1, -1);
        }
    }
}
