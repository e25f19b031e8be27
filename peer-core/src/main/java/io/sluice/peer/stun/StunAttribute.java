package io.sluice.peer.stun;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A STUN attribute (RFC 8489 §14, RFC 8445 §16.1). Every attribute is a type-length-value
 * triple padded to a multiple of four bytes:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type                  |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Value (variable)                ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Types below 0x8000 are comprehension-required: a message carrying one we do not know must be
 * rejected with a 420 by whoever processes it; {@link StunMessage#unknownComprehensionRequired()}
 * lists them. Unknown comprehension-optional attributes are kept as {@link Raw}.
 */
public sealed interface StunAttribute {

    int MAPPED_ADDRESS = 0x0001;
    int USERNAME = 0x0006;
    int MESSAGE_INTEGRITY = 0x0008;
    int ERROR_CODE = 0x0009;
    int UNKNOWN_ATTRIBUTES = 0x000A;
    int REALM = 0x0014;
    int NONCE = 0x0015;
    int MESSAGE_INTEGRITY_SHA256 = 0x001C;
    int XOR_MAPPED_ADDRESS = 0x0020;
    int PRIORITY = 0x0024;
    int USE_CANDIDATE = 0x0025;
    int SOFTWARE = 0x8022;
    int FINGERPRINT = 0x8028;
    int ICE_CONTROLLED = 0x8029;
    int ICE_CONTROLLING = 0x802A;

    /** Upper bounds on variable-length values (RFC 8489 §14). */
    int MAX_USERNAME_BYTES = 513;
    int MAX_TEXT_BYTES = 763;

    int type();

    /** The value's length in bytes, without padding. */
    int valueLength();

    /** Writes the value (not the header, not the padding). */
    void writeValue(ByteWriter w, TransactionId txId);

    static boolean isComprehensionRequired(int type) {
        return type < 0x8000;
    }

    /** MAPPED-ADDRESS (RFC 8489 §14.1); kept for old servers. */
    record MappedAddress(InetSocketAddress address) implements StunAttribute {
        public MappedAddress {
            Addresses.requireResolved(address);
        }

        @Override
        public int type() {
            return MAPPED_ADDRESS;
        }

        @Override
        public int valueLength() {
            return Addresses.encodedLength(address);
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            Addresses.write(w, address, null);
        }
    }

    /** XOR-MAPPED-ADDRESS (RFC 8489 §14.2): the address obfuscated with the cookie and transaction id. */
    record XorMappedAddress(InetSocketAddress address) implements StunAttribute {
        public XorMappedAddress {
            Addresses.requireResolved(address);
        }

        @Override
        public int type() {
            return XOR_MAPPED_ADDRESS;
        }

        @Override
        public int valueLength() {
            return Addresses.encodedLength(address);
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            Addresses.write(w, address, txId);
        }
    }

    /** USERNAME (RFC 8489 §14.3); for ICE "remoteUfrag:localUfrag" of the sender's view. */
    record Username(String value) implements StunAttribute {
        public Username {
            Objects.requireNonNull(value);
        }

        @Override
        public int type() {
            return USERNAME;
        }

        @Override
        public int valueLength() {
            return value.getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            w.utf8(value);
        }
    }

    /** MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1, 20 bytes. */
    record MessageIntegrity(byte[] hmac) implements StunAttribute {
        public MessageIntegrity {
            if (hmac.length != 20) {
                throw new IllegalArgumentException("HMAC-SHA1 is 20 bytes");
            }
            hmac = hmac.clone();
        }

        @Override
        public byte[] hmac() {
            return hmac.clone();
        }

        @Override
        public int type() {
            return MESSAGE_INTEGRITY;
        }

        @Override
        public int valueLength() {
            return 20;
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            w.bytes(hmac);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MessageIntegrity && Arrays.equals(hmac, ((MessageIntegrity) o).hmac);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hmac);
        }

        @Override
        public String toString() {
            return "MessageIntegrity[" + HexFormat.of().formatHex(hmac) + "]";
        }
    }

    /** MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6): HMAC-SHA256, possibly truncated to 16..32 bytes. */
    record MessageIntegritySha256(byte[] hmac) implements StunAttribute {
        public MessageIntegritySha256 {
            if (hmac.length < 16 || hmac.length > 32 || hmac.length % 4 != 0) {
                throw new IllegalArgumentException("HMAC-SHA256 is 16..32 bytes, a multiple of 4");
            }
            hmac = hmac.clone();
        }

        @Override
        public byte[] hmac() {
            return hmac.clone();
        }

        @Override
        public int type() {
            return MESSAGE_INTEGRITY_SHA256;
        }

        @Override
        public int valueLength() {
            return hmac.length;
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            w.bytes(hmac);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MessageIntegritySha256 && Arrays.equals(hmac, ((MessageIntegritySha256) o).hmac);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hmac);
        }

        @Override
        public String toString() {
            return "MessageIntegritySha256[" + HexFormat.of().formatHex(hmac) + "]";
        }
    }

    /** FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message up to here, XOR 0x5354554e. */
    record Fingerprint(long value) implements StunAttribute {
        @Override
        public int type() {
            return FINGERPRINT;
        }

        @Override
        public int valueLength() {
            return 4;
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            w.u32(value);
        }
    }

    /** ERROR-CODE (RFC 8489 §14.8): class (3..6) times 100 plus number (0..99), and a reason phrase. */
    record ErrorCode(int code, String reason) implements StunAttribute {
        public static final int TRY_ALTERNATE = 300;
        public static final int BAD_REQUEST = 400;
        public static final int UNAUTHORIZED = 401;
        public static final int UNKNOWN_ATTRIBUTE = 420;
        public static final int STALE_NONCE = 438;
        public static final int ROLE_CONFLICT = 487;
        public static final int SERVER_ERROR = 500;

        public ErrorCode {
            if (code < 300 || code > 699) {
                throw new IllegalArgumentException("error code out of range: " + code);
            }
            Objects.requireNonNull(reason);
        }

        @Override
        public int type() {
            return ERROR_CODE;
        }

        @Override
        public int valueLength() {
            return 4 + reason.getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            w.u16(0).u8(code / 100).u8(code % 100).utf8(reason);
        }
    }

    /** UNKNOWN-ATTRIBUTES (RFC 8489 §14.9): the types a 420 response is about. */
    record UnknownAttributes(List<Integer> types) implements StunAttribute {
        public UnknownAttributes {
            types = List.copyOf(types);
        }

        @Override
        public int type() {
            return UNKNOWN_ATTRIBUTES;
        }

        @Override
        public int valueLength() {
            return 2 * types.size();
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            for (int t : types) {
                w.u16(t);
            }
        }
    }

    /** SOFTWARE (RFC 8489 §14.14). */
    record Software(String value) implements StunAttribute {
        public Software {
            Objects.requireNonNull(value);
        }

        @Override
        public int type() {
            return SOFTWARE;
        }

        @Override
        public int valueLength() {
            return value.getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            w.utf8(value);
        }
    }

    /** REALM (RFC 8489 §14.9), passed through for long-term credentials. */
    record Realm(String value) implements StunAttribute {
        public Realm {
            Objects.requireNonNull(value);
        }

        @Override
        public int type() {
            return REALM;
        }

        @Override
        public int valueLength() {
            return value.getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            w.utf8(value);
        }
    }

    /** NONCE (RFC 8489 §14.10), passed through for long-term credentials. */
    record Nonce(String value) implements StunAttribute {
        public Nonce {
            Objects.requireNonNull(value);
        }

        @Override
        public int type() {
            return NONCE;
        }

        @Override
        public int valueLength() {
            return value.getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            w.utf8(value);
        }
    }

    /** PRIORITY (RFC 8445 §16.1): the priority a peer-reflexive candidate learned from this check gets. */
    record Priority(long value) implements StunAttribute {
        public Priority {
            if (value < 0 || value > 0xffffffffL) {
                throw new IllegalArgumentException("priority is 32 bits: " + value);
            }
        }

        @Override
        public int type() {
            return PRIORITY;
        }

        @Override
        public int valueLength() {
            return 4;
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            w.u32(value);
        }
    }

    /** USE-CANDIDATE (RFC 8445 §16.1): the controlling agent nominates this pair. Empty. */
    record UseCandidate() implements StunAttribute {
        @Override
        public int type() {
            return USE_CANDIDATE;
        }

        @Override
        public int valueLength() {
            return 0;
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
        }
    }

    /** ICE-CONTROLLING (RFC 8445 §16.1) with the sender's 64-bit tie-breaker. */
    record IceControlling(long tieBreaker) implements StunAttribute {
        @Override
        public int type() {
            return ICE_CONTROLLING;
        }

        @Override
        public int valueLength() {
            return 8;
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            w.i64(tieBreaker);
        }
    }

    /** ICE-CONTROLLED (RFC 8445 §16.1) with the sender's 64-bit tie-breaker. */
    record IceControlled(long tieBreaker) implements StunAttribute {
        @Override
        public int type() {
            return ICE_CONTROLLED;
        }

        @Override
        public int valueLength() {
            return 8;
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            w.i64(tieBreaker);
        }
    }

    /** Any attribute this codec does not model, kept as its type and value bytes. */
    record Raw(int type, byte[] value) implements StunAttribute {
        public Raw {
            if (type < 0 || type > 0xffff || value.length > 0xffff) {
                throw new IllegalArgumentException("bad raw attribute");
            }
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public int valueLength() {
            return value.length;
        }

        @Override
        public void writeValue(ByteWriter w, TransactionId txId) {
            w.bytes(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Raw && type == ((Raw) o).type && Arrays.equals(value, ((Raw) o).value);
        }

        @Override
        public int hashCode() {
            return 31 * type + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return String.format("Raw[type=0x%04x, value=%s]", type, HexFormat.of().formatHex(value));
        }
    }

    /**
     * Decodes one attribute value. Known types are checked for their exact lengths; unknown
     * types come back as {@link Raw}. {@code value} holds exactly the value bytes, no padding.
     */
    static StunAttribute decode(int type, ByteReader value, TransactionId txId) throws MalformedPacketException {
        int len = value.remaining();
        switch (type) {
            case MAPPED_ADDRESS:
                return new MappedAddress(Addresses.read(value, null));
            case XOR_MAPPED_ADDRESS:
                return new XorMappedAddress(Addresses.read(value, txId));
            case USERNAME:
                if (len > MAX_USERNAME_BYTES) {
                    throw new MalformedPacketException("USERNAME too long", value.position());
                }
                return new Username(value.utf8(len));
            case MESSAGE_INTEGRITY:
                exact(value, 20, "MESSAGE-INTEGRITY");
                return new MessageIntegrity(value.bytes(20));
            case MESSAGE_INTEGRITY_SHA256:
                if (len < 16 || len > 32 || len % 4 != 0) {
                    throw new MalformedPacketException("MESSAGE-INTEGRITY-SHA256 length " + len, value.position());
                }
                return new MessageIntegritySha256(value.bytes(len));
            case FINGERPRINT:
                exact(value, 4, "FINGERPRINT");
                return new Fingerprint(value.u32());
            case ERROR_CODE: {
                if (len < 4 || len > 4 + MAX_TEXT_BYTES) {
                    throw new MalformedPacketException("ERROR-CODE length " + len, value.position());
                }
                int reserved = value.u16();
                int cls = value.u8();
                int number = value.u8();
                if (reserved != 0 || (cls & 0xf8) != 0) {
                    // Reserved bits are to be ignored on receipt; only the class is checked.
                    cls &= 0x07;
                }
                if (cls < 3 || cls > 6 || number > 99) {
                    throw new MalformedPacketException("ERROR-CODE " + cls + "/" + number, value.position());
                }
                return new ErrorCode(cls * 100 + number, value.utf8(value.remaining()));
            }
            case UNKNOWN_ATTRIBUTES: {
                if (len % 2 != 0) {
                    throw new MalformedPacketException("UNKNOWN-ATTRIBUTES odd length", value.position());
                }
                List<Integer> types = new ArrayList<>(len / 2);
                while (value.hasRemaining()) {
                    types.add(value.u16());
                }
                return new UnknownAttributes(types);
            }
            case SOFTWARE:
                return new Software(text(value, "SOFTWARE"));
            case REALM:
                return new Realm(text(value, "REALM"));
            case NONCE:
                return new Nonce(text(value, "NONCE"));
            case PRIORITY:
                exact(value, 4, "PRIORITY");
                return new Priority(value.u32());
            case USE_CANDIDATE:
                exact(value, 0, "USE-CANDIDATE");
                return new UseCandidate();
            case ICE_CONTROLLING:
                exact(value, 8, "ICE-CONTROLLING");
                return new IceControlling(value.i64());
            case ICE_CONTROLLED:
                exact(value, 8, "ICE-CONTROLLED");
                return new IceControlled(value.i64());
            default:
                return new Raw(type, value.bytes(len));
        }
    }

    private static void exact(ByteReader value, int expected, String name) throws MalformedPacketException {
        if (value.remaining() != expected) {
            throw new MalformedPacketException(name + " length " + value.remaining() + ", expected " + expected,
                    value.position());
        }
    }

    private static String text(ByteReader value, String name) throws MalformedPacketException {
        if (value.remaining() > MAX_TEXT_BYTES) {
            throw new MalformedPacketException(name + " too long", value.position());
        }
        return value.utf8(value.remaining());
    }
}
