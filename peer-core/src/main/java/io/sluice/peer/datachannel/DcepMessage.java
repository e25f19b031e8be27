package io.sluice.peer.datachannel;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A Data Channel Establishment Protocol message (RFC 8832 §5), carried with PPID
 * {@link Ppid#DCEP} on the channel's own stream, reliable and ordered. Dispatch on {@link #kind()}.
 *
 * <pre>
 *  DATA_CHANNEL_OPEN (§5.1)
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Message Type |  Channel Type |            Priority           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Reliability Parameter                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Label Length          |       Protocol Length         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Label (UTF-8) ...  Protocol (UTF-8) ...       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  DATA_CHANNEL_ACK (§5.2)
 *  +-+-+-+-+-+-+-+-+
 *  |  Message Type |
 *  +-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Parsing is strict: the label and protocol lengths must account for exactly the bytes that
 * follow the fixed 12-byte header (no trailing bytes, no padding), both must be valid UTF-8, the
 * channel type must be one of the six assigned values, and an ACK is exactly one byte. The
 * reliability parameter is kept as received even for reliable channel types (the core ignores it
 * there, as §5.1 requires), so that every accepted message re-encodes to the same bytes.
 */
public sealed interface DcepMessage {

    int TYPE_ACK = 0x02;
    int TYPE_OPEN = 0x03;

    /** RFC 8831 §6.4 priority values, as the W3C priorities map onto them. */
    int PRIORITY_BELOW_NORMAL = 128;
    int PRIORITY_NORMAL = 256;
    int PRIORITY_HIGH = 512;
    int PRIORITY_EXTRA_HIGH = 1024;

    enum Kind { OPEN, ACK }

    Kind kind();

    /** Bytes {@link #writeTo} writes. */
    int encodedLength();

    void writeTo(ByteWriter out);

    default byte[] encode() {
        ByteWriter w = new ByteWriter(encodedLength());
        writeTo(w);
        return w.toByteArray();
    }

    /** DATA_CHANNEL_OPEN. {@code reliabilityParameter} is an unsigned 32-bit value. */
    record Open(ChannelType channelType, int priority, long reliabilityParameter, String label, String protocol)
            implements DcepMessage {

        public static final int HEADER_LENGTH = 12;

        public Open {
            if (channelType == null || label == null || protocol == null) {
                throw new IllegalArgumentException("channel type, label and protocol are required");
            }
            if (priority < 0 || priority > 0xffff) {
                throw new IllegalArgumentException("priority out of range: " + priority);
            }
            if (reliabilityParameter < 0 || reliabilityParameter > 0xffffffffL) {
                throw new IllegalArgumentException("reliability parameter out of range: " + reliabilityParameter);
            }
            if (utf8Length(label) > 0xffff || utf8Length(protocol) > 0xffff) {
                throw new IllegalArgumentException("label and protocol are at most 65535 bytes of UTF-8");
            }
        }

        @Override
        public Kind kind() {
            return Kind.OPEN;
        }

        @Override
        public int encodedLength() {
            return HEADER_LENGTH + utf8Length(label) + utf8Length(protocol);
        }

        @Override
        public void writeTo(ByteWriter out) {
            byte[] l = label.getBytes(StandardCharsets.UTF_8);
            byte[] p = protocol.getBytes(StandardCharsets.UTF_8);
            out.u8(TYPE_OPEN).u8(channelType.code()).u16(priority).u32(reliabilityParameter)
                    .u16(l.length).u16(p.length).bytes(l).bytes(p);
        }
    }

    /** DATA_CHANNEL_ACK. */
    record Ack() implements DcepMessage {

        public static final Ack INSTANCE = new Ack();

        @Override
        public Kind kind() {
            return Kind.ACK;
        }

        @Override
        public int encodedLength() {
            return 1;
        }

        @Override
        public void writeTo(ByteWriter out) {
            out.u8(TYPE_ACK);
        }
    }

    /**
     * Parses one DCEP message occupying exactly {@code data[offset, offset+length)}.
     *
     * @throws MalformedPacketException on anything but a well-formed OPEN or ACK
     */
    static DcepMessage parse(byte[] data, int offset, int length) throws MalformedPacketException {
        ByteReader r = new ByteReader(data, offset, length);
        int type = r.u8();
        if (type == TYPE_ACK) {
            if (r.hasRemaining()) {
                throw new MalformedPacketException("trailing bytes after DATA_CHANNEL_ACK", 1);
            }
            return Ack.INSTANCE;
        }
        if (type != TYPE_OPEN) {
            throw new MalformedPacketException("unknown DCEP message type", 0);
        }
        int code = r.u8();
        ChannelType channelType = ChannelType.fromCode(code);
        if (channelType == null) {
            throw new MalformedPacketException("unknown channel type", 1);
        }
        int priority = r.u16();
        long reliability = r.u32();
        int labelLength = r.u16();
        int protocolLength = r.u16();
        if (r.remaining() != labelLength + protocolLength) {
            throw new MalformedPacketException("label and protocol lengths do not match the message length",
                    r.position());
        }
        String label = strictUtf8(r, labelLength, "label");
        String protocol = strictUtf8(r, protocolLength, "protocol");
        return new Open(channelType, priority, reliability, label, protocol);
    }

    private static String strictUtf8(ByteReader r, int n, String what) throws MalformedPacketException {
        int at = r.position();
        int from = r.arrayOffset();
        r.skip(n);
        ByteBuffer slice = ByteBuffer.wrap(r.array(), from, n);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedPacketException(what + " is not valid UTF-8", at);
        }
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                // Lone surrogates encode as '?' (1 byte) in String.getBytes; other BMP chars take 3.
                n += Character.isSurrogate(c) ? 1 : 3;
            }
        }
        return n;
    }
}
